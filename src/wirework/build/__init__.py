"""Creating components: factories keyed by descriptor, classes named in config."""

from wirework.build._discovery import discover_factories
from wirework.build._factory import CompositeFactory, Factory, IFactory
from wirework.build._types import load_type, split_type

__all__ = [
    "CompositeFactory",
    "Factory",
    "IFactory",
    "discover_factories",
    "load_type",
    "split_type",
]
