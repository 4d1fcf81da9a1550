"""The I/O-free core of the SQL persistences: their table, statements, filters and sorts.

One table per persistence, rows of ``(seq, id, doc)``:

* ``seq`` is the creation order. Unsorted results come back in it and an update keeps
  its row, so an item keeps its place, as it does in memory.
* ``id`` is the item's id as text, unique. A duplicate ``create`` is refused by the
  database itself, not by a read-then-write that two writers could both pass.
* ``doc`` is the whole item as a JSON document (``wirework.persistence._codec``), so
  any item class fits without a schema.

The filter and sort meanings come from ``wirework.data._filter`` and ``.sort``, checked
by ``wirework.persistence._query.conditions`` before any SQL is built; the dialect says
them in its own JSON functions (:meth:`~wirework.sql.Dialect.json_equals`...):

* Filter values compare as JSON values: ``5`` never matches ``"5"``, a boolean only
  matches a boolean, and numbers compare by value, ``1`` matching ``1.0``.
* Field paths are bound as parameters, never pasted into SQL, because filter keys can
  come from a request. A path step never indexes into an array, as in memory.
* Sorting puts null and missing values first ascending and last descending, breaks
  ties by ``seq`` the way Python's stable sort keeps creation order, and compares
  strings by code point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from wirework.data._sort import SortField, SortParams
from wirework.errors import WireworkError
from wirework.persistence._items import set_field
from wirework.persistence._query import conditions, field_path
from wirework.persistence.sql._rows import Rows
from wirework.sql import ALL, COUNT, Dialect, Fragment, Script

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Statements:
    """Every fixed statement for one table, built once when the persistence opens."""

    schema: tuple[str, ...]
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

    @classmethod
    def build(cls, dialect: Dialect, table: str) -> Statements:
        def q(template: str) -> str:
            return dialect.sql(template, table)

        return cls(
            schema=(
                q(
                    "CREATE TABLE IF NOT EXISTS {t} "
                    "(seq {serial}, id TEXT NOT NULL UNIQUE, doc {document} NOT NULL)"
                ),
            ),
            check=q("SELECT seq, id, doc FROM {t} WHERE 1 = 0"),
            get=q("SELECT doc FROM {t} WHERE id = ?"),
            get_many=q("SELECT id, doc FROM {t} WHERE " + dialect.keys_match("id")),
            insert=q("INSERT INTO {t} (id, doc) VALUES (?, {doc})"),
            upsert=q(
                "INSERT INTO {t} (id, doc) VALUES (?, {doc}) "
                + dialect.upsert("id", "doc = excluded.doc")
            ),
            update=q("UPDATE {t} SET doc = {doc} WHERE id = ?"),
            get_for_update=q("SELECT doc FROM {t} WHERE id = ?{lock}"),
            delete=q("DELETE FROM {t} WHERE id = ? RETURNING doc"),
            delete_many=q("DELETE FROM {t} WHERE " + dialect.keys_match("id")),
            select=q("SELECT doc, id FROM {t}"),
            count=q("SELECT COUNT(*) FROM {t}"),
            delete_all=q("DELETE FROM {t}"),
        )


def where(dialect: Dialect, filter: object, component: str) -> Fragment:  # noqa: A002
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
            sql, more = dialect.json_equals(path, condition.values[0])
        elif condition.values:
            sql, more = dialect.json_any_of(path, list(condition.values))
        else:
            sql, more = dialect.false, []
        clauses.append(sql)
        params.extend(more)
    return " AND ".join(clauses), params


def order_by(dialect: Dialect, sort: object, component: str) -> Fragment:
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
        sql, more = dialect.json_sort_key(list(field_path(field.name, component)), field.ascending)
        keys.append(sql)
        params.extend(more)
    keys.append("seq")
    return ", ".join(keys), params


def condition(where_sql: str) -> str:
    """A ``WHERE`` clause for a condition; nothing for none."""
    return f" WHERE {where_sql}" if where_sql else ""


def page(
    page_sql: str, page_params: list[Any], take: int, count_sql: str | None, count_params: list[Any]
) -> Script[tuple[list[Any], int | None]]:
    """``take`` rows (none: no statement) and, when ``count_sql`` is given, the number
    of matches, on one connection."""
    rows = (yield ALL, page_sql, page_params) if take > 0 else []
    total = None if count_sql is None else (yield ALL, count_sql, count_params)[0][0]
    return rows, total


def change(
    sql: Statements, rows: Rows[T], key: str, changes: Mapping[str, Any], where: str
) -> Script[T | None]:
    """Read the item, set the ``changes`` on it as ``set_field`` does in memory, write it
    back (in the caller's transaction, the row locked); ``None`` if it is unknown."""
    found = yield ALL, sql.get_for_update, (key,)
    if not found:
        return None
    item = rows.item(found[0][0], key, where)
    for name, value in changes.items():
        set_field(item, name, value)
    yield COUNT, sql.update, (rows.text(item, key), key)
    return item
