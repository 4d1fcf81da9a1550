"""The identifiable persistence API over one SQL table: the sync driver for every dialect.

The table, its statements and the translation of filters and sorts are the I/O-free
core in :mod:`wirework.persistence.sql._statements`; items to rows and back is
:mod:`wirework.persistence.sql._rows`; the connection is an engine of
:mod:`wirework.sql`. So SQLite and PostgreSQL cannot drift apart in meaning, and the
conformance suite checks that meaning against memory.

Ids, items and filters are checked by the rules memory uses (``persistence.items``,
``persistence.query``) before any statement is built. Items are decoded and projected
after the engine returns: only the database call holds a lock or a pooled
connection, never the Python work on its result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from wirework.config import ConfigParams
from wirework.config.schema import validated
from wirework.data._documents import check_id
from wirework.data._paging import DataPage, PagingParams
from wirework.errors import BackendError, ConfigError, ConflictError, InvalidStateError
from wirework.log import CompositeLogger
from wirework.persistence._codec import ItemCodec, ItemTypes
from wirework.persistence._identifiable import partial_changes
from wirework.persistence._items import get_id, keys_of
from wirework.persistence._query import Filter, Select, Sort, compile_select
from wirework.persistence._rules import DEFAULT_MAX_PAGE_SIZE
from wirework.persistence.sql._rows import Rows
from wirework.persistence.sql._statements import Statements, change, condition, order_by, page
from wirework.persistence.sql._statements import where as where_of
from wirework.refer import IReferences
from wirework.sql import DuplicateKeyError, Engine, EngineKind, EngineSlot, check_table

T = TypeVar("T")


class IdentifiableSqlPersistence(Generic[T]):
    """Items as JSON documents in one table, keyed by id. Subclass a backend, not this.

    Config: ``options.table`` (or the ``table`` argument), ``options.max_page_size``
    (default 100), plus the backend's connection keys. Ids are ``str`` or ``int`` and
    are stored as text, so the ids ``1`` and ``"1"`` name the same row. Rows are read
    back as ``item_type`` (default ``dict``) or one of ``item_types``
    (``wirework.persistence._codec``).
    """

    engine_kind: ClassVar[EngineKind]

    def __init__(
        self,
        table: str | None = None,
        *,
        item_type: type[T] | None = None,
        item_types: ItemTypes | None = None,
    ) -> None:
        self._component = type(self).__name__
        self._table = None if table is None else check_table(table, self._component)
        self._dialect = self.engine_kind.dialect
        codec = ItemCodec(item_type, item_types)
        self._rows: Rows[T] = Rows(codec, self._dialect, self._component)
        self._max_page_size = DEFAULT_MAX_PAGE_SIZE
        self._config = ConfigParams()
        self._prepared = self._new_engine()
        self._statements: Statements | None = None
        self._place = ""
        self._slot = EngineSlot()
        self._logger = CompositeLogger()

    def __repr__(self) -> str:
        return f"{self._component}(table={self._table!r}, at={self._prepared.where!r})"

    def _engine_config(self, config: ConfigParams) -> ConfigParams:
        """The connection config the engine reads (a backend may add its defaults)."""
        return config

    def _new_engine(self) -> Engine:
        config = self._engine_config(self._config)
        return self.engine_kind.from_config(config, self._component, self._not_open)

    # -- component lifecycle -------------------------------------------------------------
    def configure(self, config: ConfigParams) -> None:
        """Everything is checked before anything is set: a refused config changes nothing."""
        options = validated(self, config).options
        table = options.table or self._table
        if table is None:  # refused now, so `check` refuses it as `run` would
            raise _no_table(self._component)
        prepared = self.engine_kind.from_config(  # a bad connection is refused now, not at open
            self._engine_config(config), self._component, self._not_open
        )
        if "max_page_size" in options.model_fields_set:
            self._max_page_size = options.max_page_size
        self._table, self._config, self._prepared = table, config, prepared

    def set_references(self, references: IReferences) -> None:
        self._logger.set_references(references)

    def unset_references(self) -> None:
        self._logger.unset_references()

    def is_open(self) -> bool:
        return self._slot.engine is not None

    def open(self, correlation_id: str | None) -> None:
        """Connect and create the table if it is missing."""
        table = self._table
        if table is None:
            raise _no_table(self._component)
        statements = Statements.build(self._dialect, table)

        def verify(engine: Engine) -> None:
            self._check_table(engine, statements.check)
            # Set before the slot shows the engine: a call that finds it finds these.
            self._statements = statements
            self._place = f"table {table!r} of {engine.where}"  # for messages
            self._rows.forget_reports()

        engine = self._slot.open(self._new_engine, statements.schema, table, verify)
        if engine is not None:
            self._logger.debug(correlation_id, "Opened %s on %s", table, engine.where)

    def close(self, correlation_id: str | None) -> None:
        """Release every connection; the data stays."""
        engine = self._slot.close()
        if engine is not None:
            self._logger.debug(correlation_id, "Closed %s on %s", self._table, engine.where)

    def check_health(self, correlation_id: str | None) -> None:
        """The database answers a ping (``HealthCheckable``); a ``BackendError`` if not."""
        self._slot.check_health(self._not_open)

    def _check_table(self, engine: Engine, check: str) -> None:
        try:
            engine.all("open", check, ())
        except BackendError as exc:
            raise BackendError(
                f"table {self._table!r} at {engine.where} cannot be used: {exc.message}",
                component=self._component,
                hint="the table exists with other columns; this persistence needs "
                "(seq, id, doc): choose another options.table",
            ) from exc

    def clear(self, correlation_id: str | None) -> None:
        """Remove every item."""
        engine, sql = self._open("clear")
        engine.count("clear", sql.delete_all, (), retry=True)

    # -- writes --------------------------------------------------------------------------
    def create(self, correlation_id: str | None, item: T) -> T:
        """Store the item (a missing id is generated); an existing id is a ``ConflictError``."""
        engine, sql = self._open("create")
        stored, key, text = self._rows.prepared(item)
        try:
            # Not retried: a create that did run would come back as a conflict.
            engine.count("create", sql.insert, (key, text), retry=False)
        except DuplicateKeyError as exc:
            raise ConflictError(
                f"cannot create an item with id {get_id(stored)!r}: that id already exists",
                component=self._component,
                hint="use update() or set() to replace an existing item",
            ) from exc
        return stored

    def set(self, correlation_id: str | None, item: T) -> T:
        """Create or replace the item with this id (an id is generated when missing)."""
        engine, sql = self._open("set")
        stored, key, text = self._rows.prepared(item)
        engine.count("set", sql.upsert, (key, text), retry=True)
        return stored

    def update(self, correlation_id: str | None, item: T) -> T | None:
        """Replace the stored item; ``None`` if its id is unknown (nothing is created)."""
        engine, sql = self._open("update")
        if get_id(item) is None:
            return None
        stored, key, text = self._rows.prepared(item)
        return stored if engine.count("update", sql.update, (text, key), retry=True) else None

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
        engine, sql = self._open("update_partially")
        if id is None:
            return None
        key = check_id(id, self._component)
        changes = partial_changes(id, key, data, self._component)
        rows, where = self._rows, self._place
        return engine.play(
            "update_partially",
            lambda: change(sql, rows, key, changes, where),
            transaction=True,
            retry=True,
        )

    def delete_by_id(self, correlation_id: str | None, id: Any) -> T | None:  # noqa: A002
        """Remove the item and return it; ``None`` if the id is unknown."""
        engine, sql = self._open("delete_by_id")
        if id is None:
            return None
        key = check_id(id, self._component)
        # Not retried: a delete that did run would come back as "not found".
        rows = engine.all("delete_by_id", sql.delete, (key,), retry=False)
        if not rows:
            return None
        return self._rows.item(rows[0][0], key, self._place, "was deleted, but")

    def delete_by_ids(self, correlation_id: str | None, ids: Iterable[Any]) -> None:
        """Remove the items with these ids; unknown ids are ignored."""
        engine, sql = self._open("delete_by_ids")
        keys = keys_of(ids, self._component)
        if keys:
            params = (self._dialect.keys_param(keys),)
            engine.count("delete_by_ids", sql.delete_many, params, retry=True)

    def delete_by_filter(self, correlation_id: str | None, filter: Filter) -> None:  # noqa: A002
        """Delete every item the filter matches (every item for ``None``)."""
        engine, sql = self._open("delete_by_filter")
        where, params = where_of(self._dialect, filter, self._component)
        engine.count("delete_by_filter", sql.delete_all + condition(where), params, retry=True)

    # -- reads ---------------------------------------------------------------------------
    def get_one_by_id(self, correlation_id: str | None, id: Any) -> T | None:  # noqa: A002
        """The item, or ``None``; ``UnreadableItemError`` if its row cannot be read back."""
        engine, sql = self._slot.engine, self._statements
        if engine is None or sql is None:
            raise self._not_open("get_one_by_id")
        if id is None:
            return None
        key = check_id(id, self._component)
        row = engine.one("get_one_by_id", sql.get, (key,))
        return None if row is None else self._rows.item(row[0], key, self._place)

    def get_list_by_ids(self, correlation_id: str | None, ids: Iterable[Any]) -> list[T]:
        """The items with these ids, in the order of ``ids``; unknown ids skipped.

        One statement for all ids (``= ANY(...)`` / ``IN json_each(...)``).
        """
        engine, sql = self._open("get_list_by_ids")
        keys = keys_of(ids, self._component)
        if not keys:
            return []
        param = self._dialect.keys_param(keys)
        documents: dict[str, Any] = dict(engine.all("get_list_by_ids", sql.get_many, (param,)))
        found = [(documents[key], key) for key in keys if key in documents]
        return self._rows.items(found, None, self._logger, correlation_id, self._place)

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
        engine, sql = self._open("get_page_by_filter")
        where, where_params = where_of(self._dialect, filter, self._component)
        order, order_params = order_by(self._dialect, sort, self._component)
        projection = compile_select(select)
        paging = PagingParams.from_value(paging)
        skip = paging.get_skip(0)
        take = paging.get_take(self._max_page_size)
        p = self._dialect.placeholder
        rows_sql = f"{sql.select}{condition(where)} ORDER BY {order} LIMIT {p} OFFSET {p}"
        rows_params = [*where_params, *order_params, take, skip]
        count_sql = sql.count + condition(where) if paging.total else None
        rows, total = engine.play(
            "get_page_by_filter",
            lambda: page(rows_sql, rows_params, take, count_sql, where_params),
            retry=True,
        )
        items = self._rows.items(rows, projection, self._logger, correlation_id, self._place)
        return DataPage(items, total)

    def get_list_by_filter(
        self,
        correlation_id: str | None,
        filter: Filter,  # noqa: A002
        sort: Sort = None,
        select: Select = None,
    ) -> list[Any]:
        """Every matching item (no page size limit)."""
        engine, sql = self._open("get_list_by_filter")
        where, where_params = where_of(self._dialect, filter, self._component)
        order, order_params = order_by(self._dialect, sort, self._component)
        projection = compile_select(select)
        statement = f"{sql.select}{condition(where)} ORDER BY {order}"
        rows = engine.all("get_list_by_filter", statement, [*where_params, *order_params])
        return self._rows.items(rows, projection, self._logger, correlation_id, self._place)

    def get_count_by_filter(self, correlation_id: str | None, filter: Filter) -> int:  # noqa: A002
        engine, sql = self._open("get_count_by_filter")
        where, params = where_of(self._dialect, filter, self._component)
        return int(engine.all("get_count_by_filter", sql.count + condition(where), params)[0][0])

    def get_one_random(self, correlation_id: str | None, filter: Filter) -> T | None:  # noqa: A002
        """A uniformly random matching item, or ``None`` when nothing matches."""
        engine, sql = self._open("get_one_random")
        where, params = where_of(self._dialect, filter, self._component)
        statement = f"{sql.select}{condition(where)} ORDER BY random() LIMIT 1"
        rows = engine.all("get_one_random", statement, params)
        return self._rows.item(rows[0][0], rows[0][1], self._place) if rows else None

    # -- helpers -------------------------------------------------------------------------
    def _open(self, operation: str) -> tuple[Engine, Statements]:
        engine, statements = self._slot.engine, self._statements
        if engine is None or statements is None:
            raise self._not_open(operation)
        return engine, statements

    def _not_open(self, operation: str) -> InvalidStateError:
        return InvalidStateError(
            f"cannot {operation}(): the persistence is not open",
            component=self._component,
            hint="call open() first (a container opens its components for you)",
        )


def _no_table(component: str) -> ConfigError:
    return ConfigError(
        "options.table is required: no table was given in the config or to the constructor",
        component=component,
        hint="set options.table (letters, digits and _)",
    )
