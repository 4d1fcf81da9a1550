"""What a database spells its own way: the one place statements differ by dialect.

The stores' and persistences' statements are written once, as templates in which
everything a database spells differently is a field this class fills in:

* ``{t}`` the quoted table, ``?`` a parameter (the driver's placeholder replaces it);
* ``{key}`` the type of a text key compared in byte order, as Python's ``sorted``
  (``COLLATE "C"`` on PostgreSQL, whose default collation follows the locale), and
  ``{keyed}`` what a table keyed by it adds (``WITHOUT ROWID`` on SQLite);
* ``{next}`` a new row's version, ``{bump}`` the version of a row written again: from
  a counter beside the table (:meth:`version_counter`), so a version never comes back
  to a key, even after a delete;
* ``{doc}`` a JSON document parameter, ``{document}`` its column type, ``{serial}`` a
  growing row number that is the primary key, ``{lock}`` what locks a row read in a
  transaction.

Clauses that take columns are methods: :meth:`upsert`, :meth:`insert_or_skip`,
:meth:`create_index`, :meth:`keys_match`, and the JSON comparisons of documents.
The base spells them as SQLite and PostgreSQL share them (``ON CONFLICT``); another
dialect overrides what it spells otherwise (MySQL: ``ON DUPLICATE KEY UPDATE``,
backquotes, ``JSON_EXTRACT``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

from wirework.sql._names import derived_name

Fragment = tuple[str, list[Any]]
"""SQL text and the parameters its placeholders take, in order."""


class Dialect(ABC):
    """The spelling of one database; subclasses fill in the class variables and the
    abstract methods."""

    name: ClassVar[str]
    placeholder: ClassVar[str]
    key_type: ClassVar[str]
    keyed_table: ClassVar[str] = ""
    document_type: ClassVar[str]
    document_param: ClassVar[str]
    serial_key: ClassVar[str]
    lock_row: ClassVar[str] = ""
    false: ClassVar[str] = "1 = 0"

    def quote(self, name: str) -> str:
        """An identifier as the database reads it; names are checked before they come here."""
        return f'"{name}"'

    def sql(self, template: str, table: str) -> str:
        """``template`` for ``table``, its fields filled in (see the module's doc)."""
        text = template.format(
            t=self.quote(table),
            key=self.key_type,
            keyed=self.keyed_table,
            next=self.next_version(table),
            bump=self.bumped_version(table),
            doc=self.document_param,
            document=self.document_type,
            serial=self.serial_key,
            lock=self.lock_row,
        )
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    # -- clauses -------------------------------------------------------------------------
    def upsert(self, key: str, updates: str, where: str = "") -> str:
        """The tail of an ``INSERT`` that updates the row holding ``key`` instead;
        ``excluded.column`` in ``updates`` is the value the insert carried."""
        return f"ON CONFLICT ({key}) DO UPDATE SET {updates}" + (f" WHERE {where}" if where else "")

    def insert_or_skip(self, key: str) -> str:
        """The tail of an ``INSERT`` that writes nothing when ``key`` is already there."""
        return f"ON CONFLICT ({key}) DO NOTHING"

    def create_index(self, table: str, role: str, columns: str, where: str = "") -> str:
        """Idempotent DDL for an index of ``table`` on ``columns`` (of rows matching ``where``)."""
        name = self.quote(derived_name(table, role))
        condition = f" WHERE {where}" if where else ""
        return f"CREATE INDEX IF NOT EXISTS {name} ON {self.quote(table)} ({columns}){condition}"

    # -- the dialect's own ------------------------------------------------------------------
    @abstractmethod
    def next_version(self, table: str) -> str:
        """SQL for a new row's version: above every version its key ever had."""

    @abstractmethod
    def bumped_version(self, table: str) -> str:
        """SQL for the version of a row written again: above its current one."""

    @abstractmethod
    def version_counter(self, table: str) -> tuple[str, ...]:
        """Idempotent DDL creating the counter behind the versions, once the table exists."""

    @abstractmethod
    def keys_match(self, column: str) -> str:
        """A condition on ``column`` taking one parameter: :meth:`keys_param` of the keys."""

    @abstractmethod
    def keys_param(self, keys: list[str]) -> Any:
        """The one parameter of :meth:`keys_match` for ``keys``."""

    @abstractmethod
    def parser(self) -> Callable[[Any], Any] | None:
        """What turns a fetched document into a value; ``None`` when the driver does."""

    def document_text(self, text: str) -> str:
        """JSON text as this database must receive it to give back the same values."""
        return text

    @abstractmethod
    def json_equals(self, path: list[str], value: Any) -> Fragment:
        """The document's field at ``path`` equals ``value`` as JSON values do."""

    @abstractmethod
    def json_any_of(self, path: list[str], values: list[Any]) -> Fragment:
        """The document's field at ``path`` equals one of ``values``."""

    @abstractmethod
    def json_sort_key(self, path: list[str], ascending: bool) -> Fragment:
        """``ORDER BY`` keys for the field at ``path``, missing and null values first
        ascending, strings in code-point order."""
