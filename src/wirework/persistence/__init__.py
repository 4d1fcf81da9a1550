"""Persistence components: in-memory and JSON-file stores with Pip.Services' CRUD API,
the protocols other backends implement, and the shared item helpers they reuse."""

from wirework.persistence.codec import TYPE_KEY, ItemCodec
from wirework.persistence.file import (
    FilePersistence,
    JsonFilePersister,
    UnreadableItem,
    atomic_write_text,
)
from wirework.persistence.identifiable import IdentifiableMemoryPersistence
from wirework.persistence.interfaces import (
    IFilteredReader,
    IGetter,
    IIdentifiablePersistence,
    ILoader,
    IPartialUpdater,
    ISaver,
    ISetter,
    IWriter,
)
from wirework.persistence.memory import DEFAULT_MAX_PAGE_SIZE, MemoryPersistence
from wirework.persistence.query import Filter, Select, Sort

__all__ = [
    "DEFAULT_MAX_PAGE_SIZE",
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
    "ItemCodec",
    "JsonFilePersister",
    "MemoryPersistence",
    "Select",
    "Sort",
    "UnreadableItem",
    "atomic_write_text",
]
