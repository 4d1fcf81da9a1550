"""The example application's package (importable once ``examples/yaml_persistence`` is on
``sys.path``, which ``run.py`` arranges)."""
