"""Persistence components: in-memory and JSON-file stores with Pip.Services' CRUD API,
the protocols other backends implement, and the shared item helpers they reuse."""

from wirework.persistence._codec import TYPE_KEY
from wirework.persistence._file import (
    FilePersistence,
    JsonFilePersister,
    UnreadableItem,
)
from wirework.persistence._identifiable import IdentifiableMemoryPersistence
from wirework.persistence._interfaces import (
    IFilteredReader,
    IGetter,
    IIdentifiablePersistence,
    ILoader,
    IPartialUpdater,
    ISaver,
    ISetter,
    IWriter,
)
from wirework.persistence._memory import MemoryPersistence
from wirework.persistence._query import Filter, Select, Sort

__all__ = [
    "TYPE_KEY",
    "FilePersistence",
    "Filter",
    "IFilteredReader",
    "IGetter",
    "IIdentifiablePersistence",
    "ILoader",
    "IPartialUpdater",
    "ISaver",
    "ISetter",
    "IWriter",
    "IdentifiableMemoryPersistence",
    "JsonFilePersister",
    "MemoryPersistence",
    "Select",
    "Sort",
    "UnreadableItem",
]
