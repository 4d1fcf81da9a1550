"""SQL identifiable persistences: SQLite (stdlib ``sqlite3``) and PostgreSQL (psycopg 3).

Both store each item as a JSON document in one row keyed by id, and share one core
so they mean what the memory persistence means (the conformance suite checks it).
Their connections are the SQL engine's (:mod:`wirework.sql`), shared with the SQL
state stores. Importing this package imports no driver; each is imported when its
backend opens.
"""

from wirework.persistence.sql._postgres import IdentifiablePostgresPersistence
from wirework.persistence.sql._sqlite import IdentifiableSqlitePersistence
from wirework.persistence.sql._store import IdentifiableSqlPersistence

__all__ = [
    "IdentifiablePostgresPersistence",
    "IdentifiableSqlPersistence",
    "IdentifiableSqlitePersistence",
]
