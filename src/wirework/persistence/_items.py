"""How a persistence reads and writes an item's id and fields, checks and copies items.

Items are either dicts with an ``"id"`` key or objects with an ``id`` attribute; both
shapes go through these few functions so that memory, file and SQL backends agree.
Every backend keys an item by ``check_id`` of its id and refuses, through
:func:`check_item`, what a serialising backend could not give back equal
(``wirework.data._documents`` holds the rules), memory included: swapping memory for
SQLite must not turn a working write into a failing one.

Copies are shallow and made on every write and read, so nobody can change stored data
by mutating what they passed in or got back. ``copy.copy`` costs several microseconds
per object (it goes through ``__reduce_ex__``); for the common shapes the copiers below
do what it would do, directly: an ordinary class is rebuilt from its ``__dict__``, a
``SimpleNamespace`` is a new one updated with its ``__dict__`` (``copy.copy`` reduces
it to exactly that), and a class of ``__slots__`` alone gets each slot that is set,
under the names ``copy`` uses (``copyreg._slotnames``). Any class that customises
copying, pickling, ``__new__`` or ``__setattr__`` still goes through ``copy.copy``.
"""

from __future__ import annotations

import copy
import copyreg
import keyword
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any, Final, TypeVar

from wirework.data._documents import check_document, check_id, plain_fields
from wirework.data._id_generator import IdGenerator
from wirework.errors import InvalidArgumentError, WireworkError

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
_SLOTS: dict[type, tuple[str, ...]] = {}  # class -> the slot names item_state reads
_STATES: dict[type, Callable[[Any], dict[str, Any]]] = {}  # slots-only class -> its state

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
    if klass is SimpleNamespace:
        return _copy_namespace
    if _slots_class(klass):
        _state_of(klass)
        return _slots_copier(klass)
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


def _copy_namespace(item: SimpleNamespace) -> SimpleNamespace:
    new = SimpleNamespace()
    new.__dict__.update(item.__dict__)
    return new


def _slots_copier(klass: Any) -> Callable[[Any], Any]:
    """A copier for a class of slots alone: each slot ``copy.copy`` would set, by plain
    attribute access (compiled for the class, with a loop for an item whose slots are
    not all set)."""
    names: list[str] = copyreg._slotnames(klass)  # type: ignore[attr-defined]

    def copy_each(item: Any) -> Any:
        new = _new(klass)
        for name in names:
            value = getattr(item, name, MISSING)
            if value is not MISSING:
                _setattr(new, name, value)
        return new

    body = "".join(f"new.{name} = item.{name}; " for name in names)
    return _compiled(klass, names, f"new = _new(cls); {body}return new", copy_each)


def _compiled(
    klass: type, names: Iterable[str], expression: str, fallback: Callable[[Any], Any]
) -> Callable[[Any], Any]:
    """``lambda item: <expression>`` for ``klass``, compiled once (as dataclasses compile
    their ``__init__``), falling back to ``fallback`` when an attribute is missing.

    Reading and setting slots by name in compiled code costs a quarter of a loop of
    ``getattr``; slot names are identifiers, and any that is not usable as an attribute
    name in code (a keyword) keeps the loop."""
    if not all(name.isidentifier() and not keyword.iskeyword(name) for name in names):
        return fallback
    source = (
        "def compiled(item):\n"
        "    try:\n"
        f"        {expression}\n"
        "    except AttributeError:\n"
        "        return fallback(item)\n"
    )
    namespace: dict[str, Any] = {"_new": _new, "cls": klass, "fallback": fallback}
    exec(source, namespace)
    compiled: Callable[[Any], Any] = namespace["compiled"]
    return compiled


def _plain_class(klass: Any) -> bool:
    """True when ``copy.copy`` would amount to "new instance, same ``__dict__``"."""
    if any("__slots__" in vars(base) for base in klass.__mro__[:-1]):
        return False
    return "__dict__" in dir(klass) and _copies_plainly(klass)


def _slots_class(klass: Any) -> bool:
    """True for a class of ``__slots__`` alone (no ``__dict__``) that copies plainly and
    sets attributes as ``object`` does."""
    return (
        "__dict__" not in dir(klass)
        and any("__slots__" in vars(base) for base in klass.__mro__[:-1])
        and klass.__setattr__ is object.__setattr__
        and _copies_plainly(klass)
    )


def _copies_plainly(klass: Any) -> bool:
    """Nothing of ``klass`` changes what ``copy.copy`` does by default."""
    if klass.__new__ is not object.__new__ or issubclass(klass, dict):
        return False
    return (
        getattr(klass, "__copy__", None) is None
        and getattr(klass, "__setstate__", None) is None
        and klass.__reduce_ex__ is object.__reduce_ex__
        and klass.__reduce__ is object.__reduce__
        and klass.__getstate__ is object.__getstate__
    )


def _state_of(cls: type) -> None:
    """For a class of slots alone, keep a compiled ``item_state`` (read by check_item)."""
    if _slots_class(cls):
        names = _slot_names(cls)
        shown = ", ".join(f"{name!r}: item.{name}" for name in names)
        _STATES[cls] = _compiled(cls, names, f"return {{{shown}}}", item_state)


def _slot_names(cls: type) -> tuple[str, ...]:
    """The ``__slots__`` names of ``cls`` and its bases, base first, as written (once per
    class: walking the bases costs more than reading the slots)."""
    names = _SLOTS.get(cls)
    if names is None:
        found: list[str] = []
        for base in reversed(cls.__mro__):
            slots = vars(base).get("__slots__", ())
            for name in (slots,) if isinstance(slots, str) else slots:
                if name not in ("__dict__", "__weakref__"):
                    found.append(name)
        names = _SLOTS[cls] = tuple(found)
    return names


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
    cls = type(item)
    copier = _COPIERS.get(cls)  # shallow_copy and get_id inlined: every write runs this
    if copier is None:
        copier = _COPIERS.setdefault(cls, _copier_for(cls))
    stored: T = copier(item)
    item_id = stored.get("id") if isinstance(stored, dict) else getattr(stored, "id", None)
    if item_id is None:
        key = IdGenerator.next_long()
        set_id(stored, key)
    else:
        key = check_id(item_id, component)
    return stored, key


def check_item(item: Any, key: str, component: str) -> None:
    """Refuse an item whose fields a serialising backend could not give back equal."""
    cls = type(item)
    if cls is dict:
        fields = item
    elif cls in PLAIN_CLASSES or cls is SimpleNamespace:
        fields = item.__dict__  # its fields, as item_state would copy them: no copy needed
    else:
        state = _STATES.get(cls)
        fields = item_state(item) if state is None else state(item)
    if not plain_fields(fields):  # check_document's own quick yes, a call sooner
        check_document(fields, key, "the item with id", component)


def item_state(item: Any) -> dict[str, Any]:
    """An item's fields as a new dict: dict entries, or instance ``__dict__`` plus slots."""
    if isinstance(item, dict):
        return dict(item)
    state: dict[str, Any] = {}
    for name in _slot_names(type(item)):
        value = getattr(item, name, MISSING)
        if value is not MISSING:
            state[name] = value
    attributes = getattr(item, "__dict__", None)
    if isinstance(attributes, dict):
        state.update(attributes)
    elif not state:
        raise WireworkError(
            f"cannot store a {type(item).__name__} item: it has no fields",
            hint="items must be dicts with an 'id' key or objects with an 'id' attribute",
        )
    return state
