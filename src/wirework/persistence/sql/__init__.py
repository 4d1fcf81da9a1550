"""SQL identifiable persistences: SQLite (stdlib ``sqlite3``) and PostgreSQL (psycopg 3).

Both store each item as a JSON document in one row keyed by id, and share one core
so they mean what the memory persistence means (the conformance suite checks it).
Importing this package imports no driver; each is imported when its backend connects.
"""

from wirework.persistence.sql.core import IdentifiableSqlPersistence
from wirework.persistence.sql.postgres import DEFAULT_MAX_POOL_SIZE, IdentifiablePostgresPersistence
from wirework.persistence.sql.sqlite import DEFAULT_SQLITE_PATH, IdentifiableSqlitePersistence

__all__ = [
    "DEFAULT_MAX_POOL_SIZE",
    "DEFAULT_SQLITE_PATH",
    "IdentifiablePostgresPersistence",
    "IdentifiableSqlPersistence",
    "IdentifiableSqlitePersistence",
]
