"""Turning ``filter``, ``sort`` and ``select`` arguments into plain functions.

The declarative forms (a ``FilterParams``/dict of field values, ``SortParams``, a list
of field names) are the contract every backend honours; callables are a memory-only
convenience kept for Pip.Services' subclass style. The exact meaning of the declarative
forms is written down in ``wirework.data._filter`` and ``wirework.data._sort`` so a SQL
backend can reproduce it, and :func:`conditions` and :func:`field_path` are the one
check of them that memory and SQL both run, so every backend refuses the same filters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import compress, repeat
from operator import attrgetter, eq, itemgetter
from typing import Any, NamedTuple

from wirework.data._documents import check_filter_value
from wirework.data._sort import SortField, SortParams
from wirework.data._values import check_key
from wirework.errors import InvalidArgumentError, WireworkError
from wirework.persistence._items import MISSING, get_field

Predicate = Callable[[Any], bool]
Filter = Predicate | Mapping[str, Any] | None
"""A filter: a predicate on items, or a map of field -> value(s) the items must equal
(``FilterParams`` is one); ``None`` keeps every item."""
Sort = Callable[[Any], Any] | SortParams | SortField | str | None
"""A sort: a key function, ``SortParams``, one ``SortField`` or a field name."""
Select = Callable[[Any], Any] | str | Iterable[str] | None
"""A projection: a function of an item, a field name, or field names (a dict per item)."""

_SETS = (list, tuple, set, frozenset)


class Condition(NamedTuple):
    """One checked entry of a declarative filter."""

    field: str
    path: tuple[str, ...]
    values: tuple[Any, ...]
    """Plain scalars; ``None`` (JSON null) only among the values of a list."""
    any_of: bool
    """A list, tuple or set was given: match any of ``values`` (none when empty)."""


def conditions(filter: Mapping[Any, Any], component: str | None) -> list[Condition]:  # noqa: A002
    """The filter's constraints, each checked by the rules every backend shares.

    A field name must be addressable in SQLite's JSON paths as in memory; a value
    must be one a document could hold (``wirework.data._documents``). Refusing here,
    before any backend runs, is what makes a filter mean one thing everywhere.
    """
    found: list[Condition] = []
    for key, expected in filter.items():
        if expected is None:
            continue
        field = str(key)
        path = field_path(field, component)
        if isinstance(expected, _SETS):
            values = tuple(
                None if value is None else _filter_value(field, value, component)
                for value in expected
            )
            found.append(Condition(field, path, values, True))
        else:
            value = _filter_value(field, expected, component)
            found.append(Condition(field, path, (value,), False))
    return found


def field_path(field: str, component: str | None) -> tuple[str, ...]:
    """The steps of a dotted field name, refused if some backend could not address them."""
    try:
        check_key(field, "field name")
    except WireworkError as exc:
        raise InvalidArgumentError(exc.message, component=component) from exc
    steps = tuple(field.split("."))
    for step in steps:
        problem = None
        if not step:
            problem = "has an empty part"
        elif '"' in step:
            problem = "contains '\"', which SQLite JSON paths cannot name"
        if problem is not None:
            raise InvalidArgumentError(f"field name {field!r} {problem}", component=component)
    return steps


def _filter_value(field: str, value: Any, component: str | None) -> Any:
    try:
        return check_filter_value(value, field)
    except InvalidArgumentError as exc:
        raise InvalidArgumentError(exc.message, component=component, hint=exc.hint) from exc


def field_getter(path: str) -> Callable[[Any], Any]:
    """Reads ``path`` (dotted for nested fields) from an item; ``MISSING`` if absent.

    Past the first step only JSON objects (dicts) are entered, as a SQL backend's JSON
    path does: ``"count.real"`` does not find ``int.real``.
    """
    parts = path.split(".")
    first = parts[0]

    def get_one(item: Any) -> Any:
        if isinstance(item, dict):
            return item.get(first, MISSING)
        return getattr(item, first, MISSING)

    if len(parts) == 1:
        return get_one
    rest = parts[1:]

    def get_nested(item: Any) -> Any:
        value = get_field(item, first)
        for part in rest:
            if not isinstance(value, dict):
                return MISSING
            value = value.get(part, MISSING)
        return value

    return get_nested


class ItemTest:
    """A compiled declarative filter: callable per item, plus a bulk ``select``.

    Scanning every item is what a page with ``total`` costs, so the bulk form does the
    per-item work in C where it can (see ``FieldEquals``).
    """

    __slots__ = ()

    def __call__(self, item: Any) -> bool:
        raise NotImplementedError

    def select(self, items: list[Any]) -> list[Any]:
        """The matching items, in order."""
        return list(filter(self, items))


class FieldEquals(ItemTest):
    """``item.<name> == expected`` (or ``item[name]`` for dicts) for a top-level field."""

    __slots__ = ("expected", "name")

    def __init__(self, name: str, expected: object) -> None:
        self.name = name
        self.expected = expected

    def __call__(self, item: Any) -> bool:
        # MISSING compares unequal to everything, so it needs no test of its own.
        value: object = (
            item.get(self.name, MISSING)
            if isinstance(item, dict)
            else getattr(item, self.name, MISSING)
        )
        return value == self.expected

    def select(self, items: list[Any]) -> list[Any]:
        if not items:
            return []
        # All items of one shape: read the field with a C getter, compare with C ``eq``.
        read = itemgetter(self.name) if isinstance(items[0], dict) else attrgetter(self.name)
        try:
            return list(compress(items, map(eq, map(read, items), repeat(self.expected))))
        except (AttributeError, KeyError, TypeError):
            # Mixed shapes or a missing field somewhere: the per-item path handles both.
            return list(filter(self, items))


class FieldTest(ItemTest):
    """Equality with any of several values, on a (possibly dotted) field path.

    Booleans equal only booleans, as in JSON (and PostgreSQL): ``True`` does not
    match ``1``, which Python's own ``True == 1`` would.
    """

    __slots__ = ("booleans", "others", "read")

    def __init__(self, path: str, values: tuple[Any, ...]) -> None:
        self.read = field_getter(path)
        self.booleans = frozenset(value for value in values if type(value) is bool)
        self.others = frozenset(value for value in values if type(value) is not bool)

    def __call__(self, item: Any) -> bool:
        value = self.read(item)
        if value is MISSING:
            return False
        if type(value) is bool:
            return value in self.booleans
        try:
            return value in self.others
        except TypeError:  # a list or dict, which equals no scalar
            return False


class AllOf(ItemTest):
    __slots__ = ("tests",)

    def __init__(self, tests: list[ItemTest]) -> None:
        self.tests = tests

    def __call__(self, item: Any) -> bool:
        return all(test(item) for test in self.tests)

    def select(self, items: list[Any]) -> list[Any]:
        for test in self.tests:
            items = test.select(items)
        return items


def compile_filter(
    filter: Filter,  # noqa: A002 - Pip.Services' name
    component: str | None = None,
) -> Predicate | None:
    """``None`` when everything matches; otherwise a predicate over items.

    A declarative filter compiles to an ``ItemTest``; a callable is returned as is.
    """
    if filter is None:
        return None
    if isinstance(filter, Mapping):
        return _equality_filter(filter, component)
    if callable(filter):
        return filter
    raise WireworkError(
        f"a filter must be a FilterParams, a dict of field values or a callable, "
        f"got {type(filter).__name__}"
    )


def _equality_filter(filter: Mapping[str, Any], component: str | None) -> ItemTest | None:  # noqa: A002
    tests: list[ItemTest] = []
    for condition in conditions(filter, component):
        expected = None if condition.any_of else condition.values[0]
        if condition.any_of or len(condition.path) > 1 or _bool_like(expected):
            tests.append(FieldTest(condition.field, condition.values))
        else:
            # The C-speed path: a str, or a number no boolean could equal.
            tests.append(FieldEquals(condition.field, expected))
    if not tests:
        return None
    return tests[0] if len(tests) == 1 else AllOf(tests)


def _bool_like(value: Any) -> bool:
    """A value Python's ``==`` would let a boolean equal: a bool, or a number 0 or 1."""
    return type(value) is bool or (type(value) is not str and value in (0, 1))


def compile_sort(sort: Sort, component: str | None = None) -> Callable[[list[Any]], None] | None:
    """``None`` for no sorting; otherwise a function sorting a list in place."""
    if sort is None:
        return None
    if isinstance(sort, SortField | str):
        sort = SortParams(sort)
    if isinstance(sort, SortParams):
        for field in sort:
            field_path(field.name, component)
        return _field_sort(sort) if sort else None
    if callable(sort):
        key = sort

        def by_key(items: list[Any]) -> None:
            items.sort(key=key)

        return by_key
    raise WireworkError(
        f"sort must be SortParams, a SortField, a field name or a key function, "
        f"got {type(sort).__name__}"
    )


def _field_sort(fields: SortParams) -> Callable[[list[Any]], None]:
    keys = [
        (field.name, _null_first_key(field_getter(field.name)), field.ascending) for field in fields
    ]

    def by_fields(items: list[Any]) -> None:
        # Stable sorts from the last field to the first give a lexicographic order
        # with a direction per field.
        for name, key, ascending in reversed(keys):
            try:
                items.sort(key=key, reverse=not ascending)
            except TypeError as exc:
                raise WireworkError(
                    f"cannot sort by {name!r}: the items hold values that do not compare ({exc})"
                ) from exc

    return by_fields


def _null_first_key(getter: Callable[[Any], Any]) -> Callable[[Any], tuple[int, Any]]:
    def key(item: Any) -> tuple[int, Any]:
        value = getter(item)
        if value is None or value is MISSING:
            return (0, 0)
        return (1, value)

    return key


def compile_select(select: Select) -> tuple[Callable[[Any], Any], bool] | None:
    """``None`` for whole items; otherwise ``(project, needs_copy)``.

    A callable sees a copy (so it cannot reach stored data); a field projection builds
    a new dict of the named fields that are present and needs no copy.
    """
    if select is None:
        return None
    if callable(select):
        return select, True
    if isinstance(select, str):
        names = [name.strip() for name in select.split(",") if name.strip()]
    elif isinstance(select, Iterable):
        names = [str(name) for name in select]
    else:
        raise WireworkError(
            f"select must be field names or a callable, got {type(select).__name__}"
        )
    if not names:
        return None
    getters = [(name, field_getter(name)) for name in names]

    def project(item: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, getter in getters:
            value = getter(item)
            if value is not MISSING:
                out[name] = value
        return out

    return project, False
