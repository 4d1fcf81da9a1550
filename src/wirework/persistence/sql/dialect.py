"""SQL text for SQLite and PostgreSQL, written so both mean exactly what memory means.

One table per persistence, rows of ``(seq, id, doc)``:

* ``seq`` is the creation order. Unsorted results come back in it and an update keeps
  its row, so an item keeps its place, as it does in memory.
* ``id`` is the item's id as text, unique. A duplicate ``create`` is refused by the
  database itself, not by a read-then-write that two writers could both pass.
* ``doc`` is the whole item as a JSON document (``wirework.persistence.codec``), so
  any item class fits without a schema.

The filter and sort meanings come from ``wirework.data.filter`` and ``.sort``. Each
dialect says them in its own JSON functions:

* Filter values compare by type: ``5`` never matches ``"5"``. SQLite's
  ``json_extract`` gives numbers as numbers and ``true`` as 1, which is Python's own
  ``True == 1``; PostgreSQL compares ``jsonb`` values, where a boolean equals only a
  boolean.
* Field paths are bound as parameters, never pasted into SQL, because filter keys can
  come from a request. A path step never indexes into an array, as in memory.
* Sorting puts null and missing values first ascending and last descending
  (``NULLS FIRST`` / ``NULLS LAST`` spelled out), breaks ties by ``seq`` the way
  Python's stable sort keeps creation order, and compares strings by code point
  (SQLite's BINARY collation; ``COLLATE "C"`` in PostgreSQL, whose default collation
  would put ``"a"`` before ``"B"``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from wirework.data.sort import SortField, SortParams
from wirework.errors import ConfigError, WireworkError

__all__ = [
    "POSTGRES",
    "SQLITE",
    "Dialect",
    "Fragment",
    "PostgresDialect",
    "SqliteDialect",
    "Statements",
    "check_table",
    "dumps",
]

Fragment = tuple[str, list[Any]]
"""SQL text and the parameters its placeholders take, in order."""

_TABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_SETS = (list, tuple, set, frozenset)

dumps: Callable[[Any], str] = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":")
).encode
"""Compact JSON; NaN and infinities are refused, since neither database accepts them."""


def check_table(name: str, component: str) -> str:
    """``name`` when it is a plain SQL identifier; it is quoted too, but never trusted."""
    if not _TABLE.fullmatch(name):
        raise ConfigError(
            f"options.table must be an SQL identifier (a letter or '_', then letters, "
            f"digits or '_', at most 63 characters), got {name!r}",
            component=component,
        )
    return name


@dataclass(frozen=True, slots=True)
class Statements:
    """Every fixed statement for one table, built once when the persistence opens."""

    create: tuple[str, ...]
    check: str
    get: str
    get_many: str
    insert: str
    upsert: str
    update: str
    get_for_update: str
    delete: str
    delete_many: str
    select: str
    count: str
    delete_all: str


class Dialect:
    """Shared translation of filters and sorts; subclasses supply the JSON primitives."""

    name: ClassVar[str]
    p: ClassVar[str]
    """The driver's placeholder."""
    document: ClassVar[str]
    """How a JSON text parameter becomes a stored document."""
    lock_row: ClassVar[str] = ""
    nothing: ClassVar[str] = "1 = 0"

    def create_table(self, table: str) -> tuple[str, ...]:
        raise NotImplementedError

    def ids_match(self) -> str:
        """A condition on ``id`` taking one parameter: the keys from ``ids_param``."""
        raise NotImplementedError

    def ids_param(self, keys: list[str]) -> Any:
        raise NotImplementedError

    def parser(self) -> Callable[[Any], Any] | None:
        """What turns a fetched ``doc`` column into a dict; ``None`` if the driver did."""
        raise NotImplementedError

    def equals(self, path: list[str], value: Any) -> Fragment:
        raise NotImplementedError

    def any_of(self, path: list[str], values: list[Any]) -> Fragment:
        raise NotImplementedError

    def sort_key(self, path: list[str], ascending: bool) -> Fragment:
        raise NotImplementedError

    def check_step(self, step: str, field: str, component: str) -> None:
        """Refuse a path step the dialect cannot address."""

    # -- shared --------------------------------------------------------------------------
    def statements(self, table: str) -> Statements:
        t, p = f'"{table}"', self.p
        return Statements(
            create=self.create_table(t),
            check=f"SELECT seq, id, doc FROM {t} WHERE 1 = 0",
            get=f"SELECT doc FROM {t} WHERE id = {p}",
            get_many=f"SELECT id, doc FROM {t} WHERE {self.ids_match()}",
            insert=f"INSERT INTO {t} (id, doc) VALUES ({p}, {self.document})",
            upsert=f"INSERT INTO {t} (id, doc) VALUES ({p}, {self.document}) "
            f"ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
            update=f"UPDATE {t} SET doc = {self.document} WHERE id = {p}",
            get_for_update=f"SELECT doc FROM {t} WHERE id = {p}{self.lock_row}",
            delete=f"DELETE FROM {t} WHERE id = {p} RETURNING doc",
            delete_many=f"DELETE FROM {t} WHERE {self.ids_match()}",
            select=f"SELECT doc FROM {t}",
            count=f"SELECT COUNT(*) FROM {t}",
            delete_all=f"DELETE FROM {t}",
        )

    def where(self, filter: object, component: str) -> Fragment:  # noqa: A002 - the API's name
        """``FilterParams``/dict equalities as a condition; ``("", [])`` for no filter."""
        if filter is None:
            return "", []
        if not isinstance(filter, Mapping):
            if callable(filter):
                raise WireworkError(
                    f"{component} cannot run a callable filter: SQL backends filter "
                    f"inside the database",
                    component=component,
                    hint="pass a FilterParams or dict of field values (dotted keys reach "
                    "nested fields, a list matches any of its values), or filter the "
                    "result of get_list_by_filter in Python",
                )
            raise WireworkError(
                f"a filter must be a FilterParams or a dict of field values, "
                f"got {type(filter).__name__}",
                component=component,
            )
        clauses: list[str] = []
        params: list[Any] = []
        for key, expected in filter.items():
            if expected is None:
                continue
            field = str(key)
            path = self._path(field, component)
            if isinstance(expected, _SETS):
                values = [_scalar(field, value, component, in_list=True) for value in expected]
                sql, more = self.any_of(path, values) if values else (self.nothing, [])
            else:
                sql, more = self.equals(path, _scalar(field, expected, component))
            clauses.append(sql)
            params.extend(more)
        return " AND ".join(clauses), params

    def order_by(self, sort: object, component: str) -> Fragment:
        """``SortParams`` (or one field) as ORDER BY keys, creation order breaking ties."""
        if sort is None:
            return "seq", []
        if isinstance(sort, SortField | str):
            sort = SortParams(sort)
        if not isinstance(sort, SortParams):
            if callable(sort):
                raise WireworkError(
                    f"{component} cannot sort with a key function: SQL backends sort "
                    f"inside the database, before paging",
                    component=component,
                    hint="pass SortParams of field names, e.g. SortParams('name', '-created')",
                )
            raise WireworkError(
                f"sort must be SortParams, a SortField or a field name, got {type(sort).__name__}",
                component=component,
            )
        keys: list[str] = []
        params: list[Any] = []
        for field in sort:
            sql, more = self.sort_key(self._path(field.name, component), field.ascending)
            keys.append(sql)
            params.extend(more)
        keys.append("seq")
        return ", ".join(keys), params

    def _path(self, field: str, component: str) -> list[str]:
        steps = field.split(".")
        for step in steps:
            if not step:
                raise WireworkError(f"field name {field!r} has an empty part", component=component)
            self.check_step(step, field, component)
        return steps


def _scalar(field: str, value: Any, component: str, *, in_list: bool = False) -> Any:
    """A filter value SQL can compare like Python does: str, int, float, bool."""
    if value is None and in_list:
        return None
    if isinstance(value, str | int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise WireworkError(
                f"cannot filter {field!r} on {value!r}: JSON has no such number",
                component=component,
            )
        return value
    what = "a list of values" if in_list else "a value"
    raise WireworkError(
        f"cannot filter {field!r} on {what} of type {type(value).__name__}: SQL backends "
        f"compare strings, numbers and booleans",
        component=component,
        hint="filter on the fields of a nested object with dotted keys ('address.city')",
    )


class SqliteDialect(Dialect):
    """``json_extract`` over TEXT documents; ``json_each`` for lists of any length."""

    name = "SQLite"
    p = "?"
    document = "?"

    def create_table(self, table: str) -> tuple[str, ...]:
        # seq is the rowid: new rows get max(seq) + 1, so it only grows past live rows.
        return (
            f"CREATE TABLE IF NOT EXISTS {table} "
            f"(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)",
        )

    def ids_match(self) -> str:
        # One JSON parameter instead of "IN (?, ?, ...)": no limit on the variable count.
        return "id IN (SELECT value FROM json_each(?))"

    def ids_param(self, keys: list[str]) -> Any:
        return dumps(keys)

    def parser(self) -> Callable[[Any], Any] | None:
        return json.loads

    def check_step(self, step: str, field: str, component: str) -> None:
        if '"' in step:
            raise WireworkError(
                f"field name {field!r}: SQLite JSON paths cannot name a key containing '\"'",
                component=component,
            )

    def equals(self, path: list[str], value: Any) -> Fragment:
        at = _json_path(path)
        if isinstance(value, str):
            # json_extract returns objects and arrays as JSON text; only a JSON string
            # may equal a string.
            return "(json_type(doc, ?) = 'text' AND json_extract(doc, ?) = ?)", [at, at, value]
        return "json_extract(doc, ?) = ?", [at, value]

    def any_of(self, path: list[str], values: list[Any]) -> Fragment:
        at = _json_path(path)
        strings = [value for value in values if isinstance(value, str)]
        others = [value for value in values if value is not None and not isinstance(value, str)]
        terms: list[str] = []
        params: list[Any] = []
        if strings:
            terms.append(
                "(json_type(doc, ?) = 'text' AND "
                "json_extract(doc, ?) IN (SELECT value FROM json_each(?)))"
            )
            params += [at, at, dumps(strings)]
        if others:
            terms.append("json_extract(doc, ?) IN (SELECT value FROM json_each(?))")
            params += [at, dumps(others)]
        if len(strings) + len(others) < len(values):
            terms.append("json_type(doc, ?) = 'null'")
            params.append(at)
        return f"({' OR '.join(terms)})", params

    def sort_key(self, path: list[str], ascending: bool) -> Fragment:
        order = "ASC NULLS FIRST" if ascending else "DESC NULLS LAST"
        return f"json_extract(doc, ?) {order}", [_json_path(path)]


def _json_path(steps: Sequence[str]) -> str:
    # Every step quoted, so a key holding '.', '[' or spaces names itself.
    return "$" + "".join(f'."{step}"' for step in steps)


class PostgresDialect(Dialect):
    """``jsonb`` documents: ``->`` steps with text keys, typed ``jsonb`` comparisons."""

    name = "PostgreSQL"
    p = "%s"
    document = "%s::jsonb"
    lock_row = " FOR UPDATE"
    nothing = "FALSE"

    def create_table(self, table: str) -> tuple[str, ...]:
        return (
            f"CREATE TABLE IF NOT EXISTS {table} (seq BIGINT GENERATED ALWAYS AS IDENTITY "
            f"PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc JSONB NOT NULL)",
        )

    def ids_match(self) -> str:
        return "id = ANY(%s)"

    def ids_param(self, keys: list[str]) -> Any:
        return keys

    def parser(self) -> Callable[[Any], Any] | None:
        return None  # psycopg parses jsonb itself

    def equals(self, path: list[str], value: Any) -> Fragment:
        at, params = _jsonb_value(path)
        return f"({at}) = %s::jsonb", [*params, dumps(value)]

    def any_of(self, path: list[str], values: list[Any]) -> Fragment:
        at, params = _jsonb_value(path)
        return f"({at}) = ANY(%s::jsonb[])", [*params, [dumps(value) for value in values]]

    def sort_key(self, path: list[str], ascending: bool) -> Fragment:
        at, params = _jsonb_value(path)
        order = "ASC NULLS FIRST" if ascending else "DESC NULLS LAST"
        # Strings first by code point; then jsonb's own order for numbers and booleans,
        # with JSON null turned into SQL NULL so it sorts with missing values.
        text = f"(CASE WHEN jsonb_typeof({at}) = 'string' THEN ({at}) #>> '{{}}' END)"
        sql = f"{text} COLLATE \"C\" {order}, NULLIF({at}, 'null'::jsonb) {order}"
        return sql, params * 3


def _jsonb_value(steps: Sequence[str]) -> Fragment:
    # ``-> text`` reads an object key and never an array index, as memory does.
    return "doc" + " -> %s::text" * len(steps), list(steps)


SQLITE = SqliteDialect()
POSTGRES = PostgresDialect()
