"""Component configuration: the ``ConfigParams`` map and YAML loading with source lines.

The loader (and with it PyYAML) is imported when first asked for, not with this
package: the container and every component import ``ConfigParams`` from here, and a
program that builds its container in code never parses YAML.
"""

from typing import TYPE_CHECKING

from wirework._lazy import lazy_names
from wirework.config._params import ConfigParams
from wirework.config._spec import ComponentSpec

if TYPE_CHECKING:
    from wirework.config._connection import ConnectionSettings
    from wirework.config._loader import load_config, parse_config

__all__ = ["ComponentSpec", "ConfigParams", "ConnectionSettings", "load_config", "parse_config"]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "ConnectionSettings": "wirework.config._connection",
        "load_config": "wirework.config._loader",
        "parse_config": "wirework.config._loader",
    },
)
