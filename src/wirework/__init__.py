"""wirework: a dependency-injection component container for services assembled from YAML.

Components are declared in YAML by five-part descriptors, created through factories,
configured, wired by reference, opened in dependency order and closed in exact reverse.
"""

from wirework._version import __version__
from wirework.config import ConfigParams
from wirework.descriptor import Descriptor
from wirework.errors import WireworkError
from wirework.refer import References

__all__ = ["ConfigParams", "Descriptor", "References", "WireworkError", "__version__"]
