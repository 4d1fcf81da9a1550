"""Turning ``filter``, ``sort`` and ``select`` arguments into plain functions.

The declarative forms (a ``FilterParams``/dict of field values, ``SortParams``, a list
of field names) are the contract every backend honours; callables are a memory-only
convenience kept for the seed's subclass style. The exact meaning of the declarative
forms is written down in ``wirework.data.filter`` and ``wirework.data.sort`` so a SQL
backend can reproduce it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import compress, repeat
from operator import attrgetter, eq, itemgetter
from typing import Any

from wirework.data.sort import SortField, SortParams
from wirework.errors import WireworkError
from wirework.persistence.items import MISSING, get_field

__all__ = [
    "AllOf",
    "FieldEquals",
    "FieldTest",
    "Filter",
    "ItemTest",
    "Predicate",
    "Select",
    "Sort",
    "compile_filter",
    "compile_select",
    "compile_sort",
    "field_getter",
]

Predicate = Callable[[Any], bool]
Filter = Predicate | Mapping[str, Any] | None
Sort = Callable[[Any], Any] | SortParams | SortField | str | None
Select = Callable[[Any], Any] | str | Iterable[str] | None

_SETS = (list, tuple, set, frozenset)


def field_getter(path: str) -> Callable[[Any], Any]:
    """Reads ``path`` (dotted for nested fields) from an item; ``MISSING`` if absent."""
    parts = path.split(".")
    if len(parts) == 1:
        name = parts[0]

        def get_one(item: Any) -> Any:
            if isinstance(item, dict):
                return item.get(name, MISSING)
            return getattr(item, name, MISSING)

        return get_one

    def get_nested(item: Any) -> Any:
        value = item
        for part in parts:
            if value is None or value is MISSING:
                return MISSING
            value = get_field(value, part)
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
    """Equality or membership on a (possibly dotted) field path."""

    __slots__ = ("choices", "expected", "read")

    def __init__(self, path: str, expected: Any) -> None:
        self.read = field_getter(path)
        self.expected = expected
        self.choices: tuple[Any, ...] | None = (
            tuple(expected) if isinstance(expected, _SETS) else None
        )

    def __call__(self, item: Any) -> bool:
        value = self.read(item)
        if value is MISSING:
            return False
        if self.choices is not None:
            return value in self.choices
        return bool(value == self.expected)


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


def compile_filter(filter: Filter) -> Predicate | None:  # noqa: A002 - the seed's name
    """``None`` when everything matches; otherwise a predicate over items.

    A declarative filter compiles to an ``ItemTest``; a callable is returned as is.
    """
    if filter is None:
        return None
    if isinstance(filter, Mapping):
        return _equality_filter(filter)
    if callable(filter):
        return filter
    raise WireworkError(
        f"a filter must be a FilterParams, a dict of field values or a callable, "
        f"got {type(filter).__name__}"
    )


def _equality_filter(filter: Mapping[str, Any]) -> ItemTest | None:  # noqa: A002
    tests: list[ItemTest] = []
    for key, expected in filter.items():
        if expected is None:
            continue
        path = str(key)
        if "." in path or isinstance(expected, _SETS):
            tests.append(FieldTest(path, expected))
        else:
            tests.append(FieldEquals(path, expected))
    if not tests:
        return None
    return tests[0] if len(tests) == 1 else AllOf(tests)


def compile_sort(sort: Sort) -> Callable[[list[Any]], None] | None:
    """``None`` for no sorting; otherwise a function sorting a list in place."""
    if sort is None:
        return None
    if isinstance(sort, SortField | str):
        sort = SortParams(sort)
    if isinstance(sort, SortParams):
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
