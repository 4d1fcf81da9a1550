"""Component configuration: the ``ConfigParams`` map and YAML loading with source lines."""

from wirework.config.loader import ComponentSpec, load_config, parse_config
from wirework.config.params import ConfigParams

__all__ = ["ComponentSpec", "ConfigParams", "load_config", "parse_config"]
