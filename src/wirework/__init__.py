"""wirework: a dependency-injection component container for services assembled from YAML.

Components are declared in YAML by five-part descriptors, created through factories,
configured, wired by reference, opened in dependency order and closed in exact reverse.
"""

from importlib import metadata

from wirework.config import ConfigParams
from wirework.descriptor import Descriptor
from wirework.errors import WireworkError
from wirework.refer import References

__all__ = ["ConfigParams", "Descriptor", "References", "WireworkError", "__version__"]


def __getattr__(name: str) -> str:
    """``wirework.__version__``, read from the installed package's metadata when asked.

    Looked up lazily: finding the metadata scans the installed distributions, a cost
    that ``import wirework`` need not pay.
    """
    if name != "__version__":
        raise AttributeError(f"module 'wirework' has no attribute {name!r}")
    try:
        return metadata.version("wirework")
    except metadata.PackageNotFoundError:  # a source tree run without installing it
        return "0+unknown"
