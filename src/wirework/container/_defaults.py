"""The factory that knows every built-in component.

Registrations name classes as ``"module:Class"`` strings, imported on first use, so
``import wirework`` stays light and a backend's driver is imported only by a config
that uses that backend. The descriptors are Pip.Services', so its configs run
unchanged.
"""

from __future__ import annotations

from wirework.build import Factory

BUILT_INS: dict[str, str] = {
    "pip-services:context-info:default:*:1.0": "wirework.container:ContextInfo",
    "pip-services:container-info:default:*:1.0": "wirework.container:ContextInfo",
    "pip-services:logger:console:*:1.0": "wirework.log:ConsoleLogger",
    "pip-services:logger:null:*:1.0": "wirework.log:NullLogger",
    "pip-services:logger:composite:*:1.0": "wirework.log:CompositeLogger",
    "pip-services:logger:stdlib:*:1.0": "wirework.log:StdlibLogger",
    "pip-services:state-store:memory:*:1.0": "wirework.state:MemoryStateStore",
    "pip-services:state-store:null:*:1.0": "wirework.state:NullStateStore",
    "pip-services:state-store:sqlite:*:1.0": "wirework.state:SqliteStateStore",
    "pip-services:state-store:redis:*:1.0": "wirework.state:RedisStateStore",
    "pip-services:state-store:postgres:*:1.0": "wirework.state:PostgresStateStore",
    "wirework:entity-store:memory:*:1.0": "wirework.state.entity:MemoryEntityStore",
    "wirework:entity-store:sqlite:*:1.0": "wirework.state.entity:SqliteEntityStore",
    "wirework:entity-store:redis:*:1.0": "wirework.state.entity:RedisEntityStore",
    "wirework:entity-store:postgres:*:1.0": "wirework.state.entity:PostgresEntityStore",
}
"""Every built-in component: its Pip.Services descriptor -> ``"module:Class"``."""


# Built-ins declared by ``type:`` under the application's own descriptor, not by a
# registration: persistences are generic. Listed for ``wirework schema``.
BY_TYPE_ONLY: tuple[str, ...] = (
    "wirework.persistence:MemoryPersistence",
    "wirework.persistence:IdentifiableMemoryPersistence",
    "wirework.persistence:FilePersistence",
    "wirework.persistence.sql:IdentifiableSqlitePersistence",
    "wirework.persistence.sql:IdentifiablePostgresPersistence",
)


class DefaultFactory(Factory):
    """A ``Factory`` pre-loaded with :data:`BUILT_INS`."""

    def __init__(self) -> None:
        super().__init__()
        for locator, path in BUILT_INS.items():
            self.register_as_type(locator, path)
