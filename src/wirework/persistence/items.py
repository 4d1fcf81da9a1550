"""How a persistence reads and writes an item's id and fields, checks and copies items.

Items are either dicts with an ``"id"`` key or objects with an ``id`` attribute; both
shapes go through these few functions so that memory, file and SQL backends agree.
Every backend keys an item by ``check_id`` of its id and refuses, through
:func:`check_item`, what a serialising backend could not give back equal
(``wirework.data.documents`` holds the rules), memory included: swapping memory for
SQLite must not turn a working write into a failing one.

Copies are shallow and made on every write and read, so nobody can change stored data
by mutating what they passed in or got back. ``copy.copy`` costs several microseconds
per object (it goes through ``__reduce_ex__``); for ordinary classes the copier below
rebuilds the instance from its ``__dict__`` directly, which is what makes a by-id read
cost about as much as the dict lookup plus one allocation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any, Final, TypeVar

from wirework.data.documents import check_document, check_id
from wirework.data.id_generator import IdGenerator
from wirework.data.values import InvalidArgumentError
from wirework.errors import WireworkError

__all__ = [
    "MISSING",
    "PLAIN_CLASSES",
    "check_item",
    "get_field",
    "get_id",
    "item_state",
    "keys_of",
    "new_copy",
    "set_field",
    "set_id",
    "shallow_copy",
]


T = TypeVar("T")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
"""What ``get_field`` returns for an absent field (distinct from a stored ``None``)."""

_new = object.__new__
_setattr = object.__setattr__
_COPIERS: dict[type, Callable[[Any], Any]] = {dict: dict.copy}

PLAIN_CLASSES: set[type] = set()
"""Classes seen so far whose copy is ``object.__new__(cls)`` plus a copy of ``__dict__``;
hot paths inline that instead of calling ``shallow_copy``."""


def get_id(item: Any) -> Any:
    """The item's id, or ``None`` when it has none yet."""
    if isinstance(item, dict):
        return item.get("id")
    return getattr(item, "id", None)


def set_id(item: Any, value: Any) -> None:
    """Set the id on an item the persistence owns (a copy, never the caller's object)."""
    set_field(item, "id", value)


def get_field(item: Any, name: str) -> Any:
    """A top-level field of a dict or an object; ``MISSING`` if absent."""
    if isinstance(item, dict):
        return item.get(name, MISSING)
    return getattr(item, name, MISSING)


def set_field(item: Any, name: str, value: Any) -> None:
    """Set a field on an item the persistence owns.

    ``object.__setattr__`` is used so frozen dataclasses can be updated on the
    persistence's own copy (as ``dataclasses.replace`` would), while properties and
    slots still apply.
    """
    if isinstance(item, dict):
        item[name] = value
        return
    try:
        _setattr(item, name, value)
    except (AttributeError, TypeError) as exc:
        raise WireworkError(
            f"cannot set field {name!r} on a {type(item).__name__} item: {exc}",
            hint="items must be dicts or objects that accept the field as an attribute",
        ) from exc


def shallow_copy(item: T) -> T:
    """A shallow copy, through the fastest correct strategy for the item's class."""
    cls = type(item)
    copier = _COPIERS.get(cls)
    if copier is None:
        copier = _COPIERS.setdefault(cls, _copier_for(cls))
    result: T = copier(item)
    return result


def _copier_for(cls: type) -> Callable[[Any], Any]:
    klass: Any = cls
    if not _plain_class(klass):
        return copy.copy
    if klass.__setattr__ is object.__setattr__:
        PLAIN_CLASSES.add(klass)

        def copy_plain(item: Any) -> Any:
            new: Any = _new(klass)
            new.__dict__ = item.__dict__.copy()
            return new

        return copy_plain

    def copy_guarded(item: Any) -> Any:
        new: Any = _new(klass)
        _setattr(new, "__dict__", item.__dict__.copy())
        return new

    return copy_guarded


def _plain_class(klass: Any) -> bool:
    """True when ``copy.copy`` would amount to "new instance, same ``__dict__``"."""
    if klass.__new__ is not object.__new__ or issubclass(klass, dict):
        return False
    if any("__slots__" in vars(base) for base in klass.__mro__[:-1]):
        return False
    if "__dict__" not in dir(klass):
        return False
    return (
        getattr(klass, "__copy__", None) is None
        and getattr(klass, "__setstate__", None) is None
        and klass.__reduce_ex__ is object.__reduce_ex__
        and klass.__reduce__ is object.__reduce__
        and klass.__getstate__ is object.__getstate__
    )


def keys_of(ids: Iterable[Any], component: str) -> list[str]:
    """The distinct keys of ``ids``, in order; ``None`` (no id) is skipped.

    A string is refused rather than read as its characters: ``"12"`` passed where
    ``["12"]`` was meant would otherwise address items ``"1"`` and ``"2"``.
    """
    if isinstance(ids, str | bytes | bytearray) or not isinstance(ids, Iterable):
        raise InvalidArgumentError(
            f"ids must be a list, tuple or set of ids, got {type(ids).__name__} {ids!r:.40}",
            component=component,
        )
    keys = (check_id(item_id, component) for item_id in ids if item_id is not None)
    return list(dict.fromkeys(keys))


def new_copy(item: T, component: str) -> tuple[T, str]:
    """A copy of ``item`` to store, with an id generated if it has none, and its key."""
    stored = shallow_copy(item)
    item_id = get_id(stored)
    if item_id is None:
        key = IdGenerator.next_long()
        set_id(stored, key)
    else:
        key = check_id(item_id, component)
    return stored, key


def check_item(item: Any, key: str, component: str) -> None:
    """Refuse an item whose fields a serialising backend could not give back equal."""
    if type(item) is dict:
        fields = item
    else:  # a plain object's fields are its __dict__: checking that costs no copy
        fields = item.__dict__ if type(item) in PLAIN_CLASSES else item_state(item)
    check_document(fields, key, "the item with id", component)


def item_state(item: Any) -> dict[str, Any]:
    """An item's fields as a new dict: dict entries, or instance ``__dict__`` plus slots."""
    if isinstance(item, dict):
        return dict(item)
    state: dict[str, Any] = {}
    for base in reversed(type(item).__mro__):
        slots = vars(base).get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__") and hasattr(item, name):
                state[name] = getattr(item, name)
    attributes = getattr(item, "__dict__", None)
    if isinstance(attributes, dict):
        state.update(attributes)
    elif not state:
        raise WireworkError(
            f"cannot store a {type(item).__name__} item: it has no fields",
            hint="items must be dicts with an 'id' key or objects with an 'id' attribute",
        )
    return state
