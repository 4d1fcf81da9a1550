"""The SQL engine under every SQL-backed component: key-value stores, entity stores and
persistences, on SQLite and PostgreSQL.

Three layers, each written once:

* **what a component reads from config** (``_settings``): where the database is,
  the table name (:func:`check_table`, one rule for every component), pool size and
  retries. No I/O, no driver import: a bad config is refused at ``configure``;
* **what a database spells its own way** (:class:`Dialect`; ``SQLITE``,
  ``POSTGRES``): placeholders, quoting, key collation, the version counter beside a
  table, upserts, matching many keys with one parameter, JSON document comparisons;
* **how a database is reached** (an :class:`Engine`; :class:`SqliteEngine`,
  :class:`PostgresEngine`): connections (one under a lock for SQLite, a small pool
  for PostgreSQL), bounded retries on open, transactions, one retry of a call whose
  connection was lost when that is safe, and driver errors turned into
  :class:`~wirework.errors.BackendError` with secrets masked (or a
  :class:`DuplicateKeyError` for a key already stored).

Each component family keeps an I/O-free core beside its driver: the statements it
builds from a dialect, argument validation, encoding and decoding of rows, version
and expiry rules (``wirework.state._sql_core``, ``wirework.state.entity._sql_core``,
``wirework.persistence.sql._statements``). The sync component sends what its core
built through an engine and hands the reply back. An operation that takes several
round trips and decides between them is a *script*: a generator that yields calls
``(mode, sql, params)`` and receives each reply; the engine plays it on one
connection (:func:`play`).

Adding an async interface
-------------------------
A second driver is an async engine with the same methods awaited (``one``, ``all``,
``count``, ``play``, ``ensure_schema``, ``ping``) over an async connection (psycopg's
``AsyncConnection``, or ``sqlite3`` in a worker thread), and an async ``play`` whose
loop awaits each call's reply and sends it back into the script. The components gain
async methods that validate with the same checks, take the same statements from their
core, decode with the same functions and hand the same scripts to the async ``play``.
No statement, check, version or expiry rule is written again; what the two drivers
share is their shape, a few lines per method.

Adding a database
-----------------
A MySQL dialect is a subclass of :class:`Dialect` beside ``_sqlite`` and
``_postgres``: backquotes in :meth:`Dialect.quote`, ``%s`` placeholders, a key type
with a binary collation, ``ON DUPLICATE KEY UPDATE`` in :meth:`Dialect.upsert` and
:meth:`Dialect.insert_or_skip`, a counter table for versions, ``JSON_EXTRACT`` for
documents; and an engine for its driver. The components' statements use
``RETURNING``, which MariaDB has and MySQL 8 does not: a MySQL engine would have to
read those rows in the same transaction.
"""

from wirework.sql._base import ALL, COUNT, MANY, ONE, Call, Row, Script, Session, play
from wirework.sql._dialect import Dialect, Fragment
from wirework.sql._documents import UnparsedDocument
from wirework.sql._engine import Engine, EngineKind, EngineSlot
from wirework.sql._errors import DuplicateKeyError
from wirework.sql._names import check_table
from wirework.sql._postgres import POSTGRES, PostgresEngine
from wirework.sql._settings import DEFAULT_DATABASE, sqlite_path
from wirework.sql._sqlite import SQLITE, SqliteEngine

__all__ = [
    "ALL",
    "COUNT",
    "DEFAULT_DATABASE",
    "MANY",
    "ONE",
    "POSTGRES",
    "SQLITE",
    "Call",
    "Dialect",
    "DuplicateKeyError",
    "Engine",
    "EngineKind",
    "EngineSlot",
    "Fragment",
    "PostgresEngine",
    "Row",
    "Script",
    "Session",
    "SqliteEngine",
    "UnparsedDocument",
    "check_table",
    "play",
    "sqlite_path",
]
