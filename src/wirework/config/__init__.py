"""Component configuration: the ``ConfigParams`` map and YAML loading with source lines.

The loader (and with it PyYAML) is imported when first asked for, not with this
package: the container and every component import ``ConfigParams`` from here, and a
program that builds its container in code never parses YAML.
"""

from typing import TYPE_CHECKING, Any

from wirework.config.params import ConfigParams
from wirework.config.spec import ComponentSpec

if TYPE_CHECKING:
    from wirework.config.loader import load_config, parse_config

__all__ = ["ComponentSpec", "ConfigParams", "load_config", "parse_config"]


def __getattr__(name: str) -> Any:
    if name in ("load_config", "parse_config"):
        from wirework.config import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'wirework.config' has no attribute {name!r}")
