"""wirework: a dependency-injection component container for services assembled from YAML.

Components are declared in YAML by five-part descriptors, created through factories,
configured, wired by reference, opened in dependency order and closed in exact reverse.

Everything a service usually names is importable from here: the container, the
references and their protocols, the component lifecycle protocols, the errors, the
built-in components and the data types (``from wirework import Container,
MemoryStateStore``). Each also stays in its package (``wirework.state``...), where
the less common names are. Only what ``import wirework`` loads anyway is imported
with it; every other name imports its package on first use, so ``import wirework``
stays as light as the container needs it to be.
"""

from typing import TYPE_CHECKING

from wirework._lazy import lazy_names
from wirework._version import __version__
from wirework.config import ConfigParams
from wirework.descriptor import Descriptor
from wirework.errors import (
    BackendError,
    ConcurrencyError,
    ConfigError,
    ConfigProblems,
    ConflictError,
    CreateError,
    CycleError,
    InvalidArgumentError,
    InvalidKeyError,
    InvalidStateError,
    LifecycleError,
    MissingReferenceError,
    ReferenceTypeError,
    UnknownEntityError,
    UnreadableItemError,
    UnstorableValueError,
    WireworkError,
)
from wirework.refer import DependencyResolver, IReferences, Locator, References, ReferencesView

if TYPE_CHECKING:
    from wirework.build import CompositeFactory, Factory, IFactory
    from wirework.container import BuildError, Container, ContextInfo, Replacement
    from wirework.data import (
        AnyValueMap,
        DataPage,
        FilterParams,
        IdGenerator,
        PagingParams,
        SortParams,
    )
    from wirework.lifecycle import (
        Cleanable,
        Configurable,
        Executable,
        Openable,
        Referenceable,
        Unreferenceable,
    )
    from wirework.log import (
        CompositeLogger,
        ConsoleLogger,
        ILogger,
        LogLevel,
        NullLogger,
        StdlibLogger,
    )
    from wirework.persistence import (
        FilePersistence,
        IdentifiableMemoryPersistence,
        MemoryPersistence,
    )
    from wirework.persistence.sql import (
        IdentifiablePostgresPersistence,
        IdentifiableSqlitePersistence,
    )
    from wirework.state import (
        IStateStore,
        IVersionedStateStore,
        MemoryStateStore,
        NullStateStore,
        PostgresStateStore,
        RedisStateStore,
        SqliteStateStore,
        StateValue,
    )
    from wirework.state.entity import (
        EntityStore,
        MemoryEntityStore,
        PostgresEntityStore,
        RedisEntityStore,
        SqliteEntityStore,
    )

_LAZY = {
    "wirework.build": ("CompositeFactory", "Factory", "IFactory"),
    "wirework.container": ("BuildError", "Container", "ContextInfo", "Replacement"),
    "wirework.data": (
        "AnyValueMap",
        "DataPage",
        "FilterParams",
        "IdGenerator",
        "PagingParams",
        "SortParams",
    ),
    "wirework.lifecycle": (
        "Cleanable",
        "Configurable",
        "Executable",
        "Openable",
        "Referenceable",
        "Unreferenceable",
    ),
    "wirework.log": (
        "CompositeLogger",
        "ConsoleLogger",
        "ILogger",
        "LogLevel",
        "NullLogger",
        "StdlibLogger",
    ),
    "wirework.persistence": (
        "FilePersistence",
        "IdentifiableMemoryPersistence",
        "MemoryPersistence",
    ),
    "wirework.persistence.sql": (
        "IdentifiablePostgresPersistence",
        "IdentifiableSqlitePersistence",
    ),
    "wirework.state": (
        "IStateStore",
        "IVersionedStateStore",
        "MemoryStateStore",
        "NullStateStore",
        "PostgresStateStore",
        "RedisStateStore",
        "SqliteStateStore",
        "StateValue",
    ),
    "wirework.state.entity": (
        "EntityStore",
        "MemoryEntityStore",
        "PostgresEntityStore",
        "RedisEntityStore",
        "SqliteEntityStore",
    ),
}

__getattr__, __dir__ = lazy_names(
    __name__, {name: module for module, names in _LAZY.items() for name in names}
)

__all__ = [
    "AnyValueMap",
    "BackendError",
    "BuildError",
    "Cleanable",
    "CompositeFactory",
    "CompositeLogger",
    "ConcurrencyError",
    "ConfigError",
    "ConfigParams",
    "ConfigProblems",
    "Configurable",
    "ConflictError",
    "ConsoleLogger",
    "Container",
    "ContextInfo",
    "CreateError",
    "CycleError",
    "DataPage",
    "DependencyResolver",
    "Descriptor",
    "EntityStore",
    "Executable",
    "Factory",
    "FilePersistence",
    "FilterParams",
    "IFactory",
    "ILogger",
    "IReferences",
    "IStateStore",
    "IVersionedStateStore",
    "IdGenerator",
    "IdentifiableMemoryPersistence",
    "IdentifiablePostgresPersistence",
    "IdentifiableSqlitePersistence",
    "InvalidArgumentError",
    "InvalidKeyError",
    "InvalidStateError",
    "LifecycleError",
    "Locator",
    "LogLevel",
    "MemoryEntityStore",
    "MemoryPersistence",
    "MemoryStateStore",
    "MissingReferenceError",
    "NullLogger",
    "NullStateStore",
    "Openable",
    "PagingParams",
    "PostgresEntityStore",
    "PostgresStateStore",
    "RedisEntityStore",
    "RedisStateStore",
    "ReferenceTypeError",
    "Referenceable",
    "References",
    "ReferencesView",
    "Replacement",
    "SortParams",
    "SqliteEntityStore",
    "SqliteStateStore",
    "StateValue",
    "StdlibLogger",
    "UnknownEntityError",
    "UnreadableItemError",
    "Unreferenceable",
    "UnstorableValueError",
    "WireworkError",
    "__version__",
]
