"""SQL text for SQLite and PostgreSQL, written so both mean exactly what memory means.

One table per persistence, rows of ``(seq, id, doc)``:

* ``seq`` is the creation order. Unsorted results come back in it and an update keeps
  its row, so an item keeps its place, as it does in memory.
* ``id`` is the item's id as text, unique. A duplicate ``create`` is refused by the
  database itself, not by a read-then-write that two writers could both pass.
* ``doc`` is the whole item as a JSON document (``wirework.persistence.codec``), so
  any item class fits without a schema.

The filter and sort meanings come from ``wirework.data.filter`` and ``.sort``, checked
by ``wirework.persistence.query.conditions`` before any SQL is built. Each dialect says
them in its own JSON functions:

* Filter values compare as JSON values: ``5`` never matches ``"5"``, a boolean only
  matches a boolean (SQLite's ``json_extract`` gives ``true`` as 1, so its type is
  tested too), and numbers compare by value, ``1`` matching ``1.0``.
* Field paths are bound as parameters, never pasted into SQL, because filter keys can
  come from a request. A path step never indexes into an array, as in memory.
* PostgreSQL keeps ``jsonb`` numbers as decimals and prints ``1e+16`` back as
  ``10000000000000000``, which ``json.loads`` reads as an int, and compares the
  decimal ``1e300`` unequal to the float ``1e300``. So floats from ``1e16`` up are
  sent as their exact decimal value with a ``.0`` (:func:`exact_floats`).
* Sorting puts null and missing values first ascending and last descending
  (``NULLS FIRST`` / ``NULLS LAST`` spelled out), breaks ties by ``seq`` the way
  Python's stable sort keeps creation order, and compares strings by code point
  (SQLite's BINARY collation; ``COLLATE "C"`` in PostgreSQL, whose default collation
  would put ``"a"`` before ``"B"``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from wirework.data.sort import SortField, SortParams
from wirework.errors import ConfigError, WireworkError
from wirework.persistence.query import conditions, field_path

__all__ = [
    "POSTGRES",
    "SQLITE",
    "Dialect",
    "Fragment",
    "PostgresDialect",
    "SqliteDialect",
    "Statements",
    "UnparsedDocument",
    "check_table",
    "dumps",
    "exact_floats",
    "lenient_loads",
]

Fragment = tuple[str, list[Any]]
"""SQL text and the parameters its placeholders take, in order."""

_TABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_BIG_FLOATS = re.compile(r'"(?:[^"\\]|\\.)*"|(-?[0-9]+(?:\.[0-9]+)?e\+[0-9]+)')

dumps: Callable[[Any], str] = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":")
).encode
"""Compact JSON; NaN and infinities are refused, since neither database accepts them."""


class UnparsedDocument:
    """What :func:`lenient_loads` gives for a stored text it cannot parse."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def lenient_loads(text: str | bytes) -> Any:
    """``json.loads`` that never raises: one row written by other means (invalid JSON,
    nesting deeper than the parser's recursion) must not fail a whole result."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        return UnparsedDocument(f"{type(exc).__name__}: {str(exc)[:200]}")


def exact_floats(text: str) -> str:
    """JSON text with every float written in exponent form (``1e+16`` and up, by
    Python's ``repr``) spelled as its exact decimal value plus ``.0``, which ``jsonb``
    keeps and gives back as the same float."""
    if "e+" not in text:
        return text
    return _BIG_FLOATS.sub(_spell_out, text)


def _spell_out(match: re.Match[str]) -> str:
    number = match.group(1)
    return match.group(0) if number is None else f"{int(float(number))}.0"


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

    def document_text(self, text: str) -> str:
        """JSON text as this database must receive it to give back the same values."""
        return text

    def equals(self, path: list[str], value: Any) -> Fragment:
        raise NotImplementedError

    def any_of(self, path: list[str], values: list[Any]) -> Fragment:
        raise NotImplementedError

    def sort_key(self, path: list[str], ascending: bool) -> Fragment:
        raise NotImplementedError

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
            select=f"SELECT doc, id FROM {t}",
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
        for condition in conditions(filter, component):
            path = list(condition.path)
            if not condition.any_of:
                sql, more = self.equals(path, condition.values[0])
            elif condition.values:
                sql, more = self.any_of(path, list(condition.values))
            else:
                sql, more = self.nothing, []
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
            sql, more = self.sort_key(list(field_path(field.name, component)), field.ascending)
            keys.append(sql)
            params.extend(more)
        keys.append("seq")
        return ", ".join(keys), params


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
        return lenient_loads

    def guarded(self, sql: str) -> str:
        """``sql`` with every JSON function reading a row whose text is not valid JSON
        as NULL, instead of failing the statement (``json_valid`` parses each row once
        more, so backends use this only after the plain statement failed)."""
        return sql.replace(_DOCUMENT_ARGUMENTS, _GUARDED_ARGUMENTS)

    # json_extract gives objects and arrays as JSON text and true/false as 1/0, so the
    # JSON type is tested beside the value: only a string equals a string, only a
    # number a number, and a boolean is matched by its type alone.
    def equals(self, path: list[str], value: Any) -> Fragment:
        at = _json_path(path)
        if type(value) is bool:
            return "json_type(doc, ?) = ?", [at, "true" if value else "false"]
        kinds = _TEXT if type(value) is str else _NUMBER
        return f"(json_type(doc, ?) {kinds} AND json_extract(doc, ?) = ?)", [at, at, value]

    def any_of(self, path: list[str], values: list[Any]) -> Fragment:
        at = _json_path(path)
        strings = [value for value in values if type(value) is str]
        numbers = [value for value in values if type(value) in (int, float)]
        flags = sorted({"true" if value else "false" for value in values if type(value) is bool})
        terms: list[str] = []
        params: list[Any] = []
        for kinds, group in ((_TEXT, strings), (_NUMBER, numbers)):
            if group:
                terms.append(
                    f"(json_type(doc, ?) {kinds} AND "
                    f"json_extract(doc, ?) IN (SELECT value FROM json_each(?)))"
                )
                params += [at, at, dumps(group)]
        if None in values:
            flags.append("null")
        if flags:
            terms.append("json_type(doc, ?) IN (SELECT value FROM json_each(?))")
            params += [at, dumps(flags)]
        return f"({' OR '.join(terms)})", params

    def sort_key(self, path: list[str], ascending: bool) -> Fragment:
        order = "ASC NULLS FIRST" if ascending else "DESC NULLS LAST"
        return f"json_extract(doc, ?) {order}", [_json_path(path)]


_DOCUMENT_ARGUMENTS = "(doc, ?)"
_GUARDED_ARGUMENTS = "(CASE WHEN json_valid(doc) THEN doc END, ?)"
_TEXT = "= 'text'"
_NUMBER = "IN ('integer', 'real')"


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
        return None  # psycopg parses jsonb itself, with lenient_loads (see postgres.py)

    def document_text(self, text: str) -> str:
        return exact_floats(text)

    def equals(self, path: list[str], value: Any) -> Fragment:
        at, params = _jsonb_value(path)
        return f"({at}) = %s::jsonb", [*params, exact_floats(dumps(value))]

    def any_of(self, path: list[str], values: list[Any]) -> Fragment:
        at, params = _jsonb_value(path)
        texts = [exact_floats(dumps(value)) for value in values]
        return f"({at}) = ANY(%s::jsonb[])", [*params, texts]

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
