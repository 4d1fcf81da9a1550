"""The identifiable persistence API over one SQL table, shared by SQLite and PostgreSQL.

Every operation is written once here against a DB-API connection. The SQL comes
from the dialect and the connection from the backend, so the two databases cannot
drift apart in meaning. The conformance suite checks that meaning against memory.
Backends supply four things: reading their connection config, connecting,
disconnecting, and ``_run``, which runs a unit of work with a connection and turns
driver errors into wirework's.

Items are decoded and projected after ``_run`` returns. Only the database call holds
a lock or a pooled connection, never the Python work on its result.

Ids, items and filters are checked by the rules memory uses (``persistence.items``,
``persistence.query``) before any statement is built; ``rows`` says what happens to a
row that cannot be read back.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from wirework.config import ConfigParams
from wirework.config.schema import validated
from wirework.data.documents import check_id
from wirework.data.paging import DataPage, PagingParams
from wirework.errors import BackendError, ConfigError, ConflictError, InvalidStateError
from wirework.log import CompositeLogger
from wirework.persistence.codec import ItemCodec, ItemTypes
from wirework.persistence.identifiable import partial_changes
from wirework.persistence.items import get_id, keys_of, set_field
from wirework.persistence.memory import DEFAULT_MAX_PAGE_SIZE
from wirework.persistence.query import Filter, Select, Sort, compile_select
from wirework.persistence.sql.dialect import Dialect, Statements, check_table
from wirework.persistence.sql.rows import Rows
from wirework.refer import IReferences

__all__ = ["DuplicateKeyError", "IdentifiableSqlPersistence", "Session"]

T = TypeVar("T")
R = TypeVar("R")


class Session(Protocol):
    """A DB-API connection, as both ``sqlite3`` and ``psycopg`` provide one."""

    def execute(self, sql: Any, params: Any = ..., /) -> Any:
        """Run one statement; the result has ``fetchall()`` and ``rowcount``."""


class DuplicateKeyError(ConflictError):
    """The database refused a row whose id is already stored (raised by ``_run``)."""


class IdentifiableSqlPersistence(Generic[T]):
    """Items as JSON documents in one table, keyed by id. Subclass a backend, not this.

    Config: ``options.table`` (or the ``table`` argument), ``options.max_page_size``
    (default 100), plus the backend's connection keys. Ids are ``str`` or ``int`` and
    are stored as text, so the ids ``1`` and ``"1"`` name the same row. Rows are read
    back as ``item_type`` (default ``dict``) or one of ``item_types``
    (``wirework.persistence.codec``).
    """

    dialect: ClassVar[Dialect]

    def __init__(
        self,
        table: str | None = None,
        *,
        item_type: type[T] | None = None,
        item_types: ItemTypes | None = None,
    ) -> None:
        self._component = type(self).__name__
        self._table = None if table is None else check_table(table, self._component)
        self._rows: Rows[T] = Rows(ItemCodec(item_type, item_types), self.dialect, self._component)
        self._max_page_size = DEFAULT_MAX_PAGE_SIZE
        self._statements: Statements | None = None
        self._opened = False
        self._lifecycle = threading.Lock()
        self._logger = CompositeLogger()

    def __repr__(self) -> str:
        return f"{self._component}(table={self._table!r}, at={self._location()!r})"

    # -- backend hooks -------------------------------------------------------------------
    def _configure_connection(self, config: ConfigParams, checked: Any) -> None:
        """Read the backend's keys; ``checked`` is the validated config (its model)."""
        raise NotImplementedError

    def _connect(self) -> None:
        """Connect (with bounded retries); raise ``BackendError`` naming where."""
        raise NotImplementedError

    def _disconnect(self) -> None:
        """Release every connection."""
        raise NotImplementedError

    def _location(self) -> str:
        """Where the data lives, for messages: never a secret."""
        raise NotImplementedError

    def _run(
        self,
        operation: str,
        work: Callable[[Session], R],
        *,
        retryable: bool,
        transaction: bool = False,
    ) -> R:
        """``work(connection)``, atomically when ``transaction``.

        ``retryable`` says that running ``work`` twice does no harm, so it may be
        repeated on a new connection if the first one was lost mid-call. Duplicate
        ids raise ``DuplicateKeyError``; other driver errors raise ``BackendError``.
        """
        raise NotImplementedError

    def _query(self, operation: str, sql: str, params: Any, *, retryable: bool = True) -> list[Any]:
        """The rows of one statement. A backend may override this and ``_execute`` with
        a direct path: they run on every single-item call."""
        return self._run(
            operation, lambda session: session.execute(sql, params).fetchall(), retryable=retryable
        )

    def _execute(self, operation: str, sql: str, params: Any, *, retryable: bool) -> int:
        """The row count of one statement."""
        count: int = self._run(
            operation, lambda session: session.execute(sql, params).rowcount, retryable=retryable
        )
        return count

    # -- component lifecycle -------------------------------------------------------------
    def configure(self, config: ConfigParams) -> None:
        checked = validated(self, config)
        options = checked.options
        table = options.table or self._table
        if table is None:  # refused now, so `check` refuses it as `run` would
            raise _no_table(self._component)
        if "max_page_size" in options.model_fields_set:
            self._max_page_size = options.max_page_size
        self._configure_connection(config, checked)
        self._table = table

    def set_references(self, references: IReferences) -> None:
        self._logger.set_references(references)

    def unset_references(self) -> None:
        self._logger.unset_references()

    def is_open(self) -> bool:
        return self._opened

    def open(self, correlation_id: str | None) -> None:
        """Connect and create the table if it is missing."""
        with self._lifecycle:
            if self._opened:
                return
            if self._table is None:
                raise _no_table(self._component)
            statements = self.dialect.statements(self._table)
            self._connect()
            try:
                self._prepare_table(statements)
            except BaseException:
                self._disconnect()
                raise
            self._statements = statements
            self._rows.forget_reports()
            self._opened = True
        self._logger.debug(correlation_id, "Opened %s at %s", self._table, self._location())

    def close(self, correlation_id: str | None) -> None:
        """Release every connection; the data stays."""
        with self._lifecycle:
            if not self._opened:
                return
            self._opened = False
            self._disconnect()
        self._logger.debug(correlation_id, "Closed %s at %s", self._table, self._location())

    def _prepare_table(self, statements: Statements) -> None:
        def create(session: Session) -> None:
            for statement in statements.create:
                session.execute(statement)

        with contextlib.suppress(DuplicateKeyError):
            # Raised when another process created the same table at the same moment.
            self._run("open", create, retryable=True)
        try:
            self._query("open", statements.check, ())
        except BackendError as exc:
            raise BackendError(
                f"table {self._table!r} at {self._location()} cannot be used: {exc.message}",
                component=self._component,
                hint="the table exists with other columns; this persistence needs "
                "(seq, id, doc): choose another options.table",
            ) from exc

    def clear(self, correlation_id: str | None) -> None:
        """Remove every item."""
        sql = self._sql("clear")
        self._execute("clear", sql.delete_all, (), retryable=True)

    # -- writes --------------------------------------------------------------------------
    def create(self, correlation_id: str | None, item: T) -> T:
        """Store the item (a missing id is generated); an existing id is a ``ConflictError``."""
        sql = self._sql("create")
        stored, key, text = self._rows.prepared(item)
        try:
            # Not retryable: a create that did run would come back as a conflict.
            self._execute("create", sql.insert, (key, text), retryable=False)
        except DuplicateKeyError as exc:
            raise ConflictError(
                f"cannot create an item with id {get_id(stored)!r}: that id already exists",
                component=self._component,
                hint="use update() or set() to replace an existing item",
            ) from exc
        return stored

    def set(self, correlation_id: str | None, item: T) -> T:
        """Create or replace the item with this id (an id is generated when missing)."""
        sql = self._sql("set")
        stored, key, text = self._rows.prepared(item)
        self._execute("set", sql.upsert, (key, text), retryable=True)
        return stored

    def update(self, correlation_id: str | None, item: T) -> T | None:
        """Replace the stored item; ``None`` if its id is unknown (nothing is created)."""
        sql = self._sql("update")
        if get_id(item) is None:
            return None
        stored, key, text = self._rows.prepared(item)
        return stored if self._execute("update", sql.update, (text, key), retryable=True) else None

    def update_partially(
        self,
        correlation_id: str | None,
        id: Any,  # noqa: A002
        data: Mapping[str, Any] | None,
    ) -> T | None:
        """Set the given fields on the item; ``None`` if unknown. The id cannot change.

        Read, change and write back in one transaction with the row locked, so the
        fields change exactly as ``set_field`` changes them in memory.
        """
        sql = self._sql("update_partially")
        if id is None:
            return None
        key = check_id(id, self._component)
        changes = partial_changes(id, key, data, self._component)

        def change(session: Session) -> T | None:
            rows = session.execute(sql.get_for_update, (key,)).fetchall()
            if not rows:
                return None
            item = self._rows.item(rows[0][0], key, self._where())
            for name, value in changes.items():
                set_field(item, name, value)
            session.execute(sql.update, (self._rows.text(item, key), key))
            return item

        return self._run("update_partially", change, retryable=True, transaction=True)

    def delete_by_id(self, correlation_id: str | None, id: Any) -> T | None:  # noqa: A002
        """Remove the item and return it; ``None`` if the id is unknown."""
        sql = self._sql("delete_by_id")
        if id is None:
            return None
        key = check_id(id, self._component)
        # Not retryable: a delete that did run would come back as "not found".
        rows = self._query("delete_by_id", sql.delete, (key,), retryable=False)
        if not rows:
            return None
        return self._rows.item(rows[0][0], key, self._where(), "was deleted, but")

    def delete_by_ids(self, correlation_id: str | None, ids: Iterable[Any]) -> None:
        """Remove the items with these ids; unknown ids are ignored."""
        sql = self._sql("delete_by_ids")
        keys = keys_of(ids, self._component)
        if keys:
            params = (self.dialect.ids_param(keys),)
            self._execute("delete_by_ids", sql.delete_many, params, retryable=True)

    def delete_by_filter(self, correlation_id: str | None, filter: Filter) -> None:  # noqa: A002
        """Delete every item the filter matches (every item for ``None``)."""
        sql = self._sql("delete_by_filter")
        where, params = self.dialect.where(filter, self._component)
        statement = sql.delete_all + (f" WHERE {where}" if where else "")
        self._execute("delete_by_filter", statement, params, retryable=True)

    # -- reads ---------------------------------------------------------------------------
    def get_one_by_id(self, correlation_id: str | None, id: Any) -> T | None:  # noqa: A002
        """The item, or ``None``; ``UnreadableItemError`` if its row cannot be read back."""
        sql = self._statements
        if sql is None or not self._opened:
            raise self._not_open("get_one_by_id")
        if id is None:
            return None
        key = check_id(id, self._component)
        rows = self._query("get_one_by_id", sql.get, (key,))
        return self._rows.item(rows[0][0], key, self._where()) if rows else None

    def get_list_by_ids(self, correlation_id: str | None, ids: Iterable[Any]) -> list[T]:
        """The items with these ids, in the order of ``ids``; unknown ids skipped.

        One statement for all ids (``= ANY(...)`` / ``IN json_each(...)``).
        """
        sql = self._sql("get_list_by_ids")
        keys = keys_of(ids, self._component)
        if not keys:
            return []
        rows = self._query("get_list_by_ids", sql.get_many, (self.dialect.ids_param(keys),))
        documents = {key: document for key, document in rows}
        found = [(documents[key], key) for key in keys if key in documents]
        return self._rows.items(found, None, self._logger, correlation_id, self._where())

    def get_page_by_filter(
        self,
        correlation_id: str | None,
        filter: Filter,  # noqa: A002
        paging: PagingParams | Mapping[str, Any] | None,
        sort: Sort = None,
        select: Select = None,
    ) -> DataPage[Any]:
        """A page of matching items, at most ``options.max_page_size`` of them.

        ``total`` is the number of matches when ``paging.total`` is true, else ``None``.
        """
        sql = self._sql("get_page_by_filter")
        where, where_params = self.dialect.where(filter, self._component)
        order, order_params = self.dialect.order_by(sort, self._component)
        projection = compile_select(select)
        paging = PagingParams.from_value(paging)
        skip = paging.get_skip(0)
        take = paging.get_take(self._max_page_size)
        condition = f" WHERE {where}" if where else ""
        p = self.dialect.p
        page = f"{sql.select}{condition} ORDER BY {order} LIMIT {p} OFFSET {p}"
        page_params = [*where_params, *order_params, take, skip]
        count = sql.count + condition
        with_total = paging.total

        def read(session: Session) -> tuple[list[Any], int | None]:
            rows = session.execute(page, page_params).fetchall() if take > 0 else []
            total = session.execute(count, where_params).fetchall()[0][0] if with_total else None
            return rows, total

        rows, total = self._run("get_page_by_filter", read, retryable=True)
        items = self._rows.items(rows, projection, self._logger, correlation_id, self._where())
        return DataPage(items, total)

    def get_list_by_filter(
        self,
        correlation_id: str | None,
        filter: Filter,  # noqa: A002
        sort: Sort = None,
        select: Select = None,
    ) -> list[Any]:
        """Every matching item (no page size limit)."""
        sql = self._sql("get_list_by_filter")
        where, where_params = self.dialect.where(filter, self._component)
        order, order_params = self.dialect.order_by(sort, self._component)
        projection = compile_select(select)
        statement = f"{sql.select}{f' WHERE {where}' if where else ''} ORDER BY {order}"
        rows = self._query("get_list_by_filter", statement, [*where_params, *order_params])
        return self._rows.items(rows, projection, self._logger, correlation_id, self._where())

    def get_count_by_filter(self, correlation_id: str | None, filter: Filter) -> int:  # noqa: A002
        sql = self._sql("get_count_by_filter")
        where, params = self.dialect.where(filter, self._component)
        statement = sql.count + (f" WHERE {where}" if where else "")
        return int(self._query("get_count_by_filter", statement, params)[0][0])

    def get_one_random(self, correlation_id: str | None, filter: Filter) -> T | None:  # noqa: A002
        """A uniformly random matching item, or ``None`` when nothing matches."""
        sql = self._sql("get_one_random")
        where, params = self.dialect.where(filter, self._component)
        statement = f"{sql.select}{f' WHERE {where}' if where else ''} ORDER BY random() LIMIT 1"
        rows = self._query("get_one_random", statement, params)
        return self._rows.item(rows[0][0], rows[0][1], self._where()) if rows else None

    # -- helpers -------------------------------------------------------------------------
    def _sql(self, operation: str) -> Statements:
        statements = self._statements
        if statements is None or not self._opened:
            raise self._not_open(operation)
        return statements

    def _not_open(self, operation: str) -> InvalidStateError:
        return InvalidStateError(
            f"cannot {operation}(): the persistence is not open",
            component=self._component,
            hint="call open() first (a container opens its components for you)",
        )

    def _where(self) -> str:
        return f"table {self._table!r} of {self._location()}"


def _no_table(component: str) -> ConfigError:
    return ConfigError(
        "options.table is required: no table was given in the config or to the constructor",
        component=component,
        hint="set options.table (letters, digits and _)",
    )
