"""Creating components: factories keyed by descriptor, classes named in config."""

from wirework.build.discovery import discover_factories
from wirework.build.factory import CompositeFactory, Factory, IFactory
from wirework.build.types import load_type, split_type

__all__ = [
    "CompositeFactory",
    "Factory",
    "IFactory",
    "discover_factories",
    "load_type",
    "split_type",
]
