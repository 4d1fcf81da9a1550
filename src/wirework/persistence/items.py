"""How a persistence reads and writes an item's id and fields, and copies items.

Items are either dicts with an ``"id"`` key or objects with an ``id`` attribute; both
shapes go through these few functions so that memory, file and SQL backends agree.

Copies are shallow and made on every write and read, so nobody can change stored data
by mutating what they passed in or got back. ``copy.copy`` costs several microseconds
per object (it goes through ``__reduce_ex__``); for ordinary classes the copier below
rebuilds the instance from its ``__dict__`` directly, which is what makes a by-id read
cost about as much as the dict lookup plus one allocation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Final, TypeVar

from wirework.errors import WireworkError

__all__ = [
    "MISSING",
    "PLAIN_CLASSES",
    "get_field",
    "get_id",
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
