"""The version, in one place: packaging reads it from here (``pyproject.toml``), and
``wirework.__version__`` and the parse cache's key read it without the installed
metadata, whose lookup imports ``importlib.metadata`` and scans every distribution."""

__version__ = "0.1.0"
"""wirework's version, as packaging and ``wirework --version`` give it."""
