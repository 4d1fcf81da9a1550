"""Items to JSON documents and back, as the classes the persistence declares.

File and SQL backends store each item as a JSON object. Stored data never chooses the
class it is read back as: a document naming a class to import is how a data file
becomes code execution (importing a module runs it; ``cls.__new__`` plus chosen
attributes builds a ``subprocess.Popen``). So the classes come from the persistence's
own declaration, in code:

* ``item_type`` (default ``dict``): every document is read back as that class. A dict
  persistence gives back every key it was given, ``"__type__"`` included.
* ``item_types``: further classes for a persistence that holds several. Documents of
  those classes carry ``"__type__": <name>``, a name from this declared registry (a
  dict of names to classes, or a list of classes named ``module:QualName``). A name is
  only ever looked up in the registry; one that is not there makes that document
  unreadable, never an import. With a registry, ``"__type__"`` is reserved, so an item
  holding that field is refused on write rather than misread later.

Why a registry rather than one persistence per class: some collections are
heterogeneous by nature (events, notifications), and splitting them would lose their
single order and paging. Why a reserved key rather than an envelope around each item:
SQL backends filter on the document's own fields, so the fields stay at the top level.

Files written by earlier wirework versions marked items with ``module:QualName``,
which is exactly the registry's default name for a listed class: declare the classes
(``item_types=[Order, Refund]``) and those files read unchanged. A marker under a
single non-dict ``item_type`` is such an old marker for another class, so that
document is reported unreadable instead of being guessed.

Instances are rebuilt the way ``copy`` and ``pickle`` do, with ``cls.__new__`` and the
saved fields, so constructors with required arguments or side effects are never called.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Generic, TypeVar

from wirework.errors import UnreadableItemError, WireworkError
from wirework.persistence._items import item_state

T = TypeVar("T")

TYPE_KEY: Final = "__type__"
"""The key under which a stored document records its class's name from ``item_types``."""
_new = object.__new__
_setattr = object.__setattr__

ItemTypes = Mapping[str, type] | Iterable[type]
"""A registry: names to classes, or classes named ``module:QualName``."""


def type_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


class ItemCodec(Generic[T]):
    """Encodes items to JSON-ready dicts and decodes documents into declared classes."""

    def __init__(self, item_type: type[T] | None = None, item_types: ItemTypes | None = None):
        self._default: type = item_type if item_type is not None else dict
        self._names: dict[type, str] = {}
        self._builders: dict[str, Callable[[dict[str, Any]], Any]] = {}
        for name, cls in _registry(item_types):
            if cls in self._names or name in self._builders or cls is self._default:
                raise WireworkError(
                    f"item type names must be unique and name distinct classes: {name!r} "
                    f"({type_name(cls)}) is declared twice or is the item_type",
                )
            self._names[cls] = name
            self._builders[name] = _builder(cls)
        self._build_default = _builder(self._default)
        # Where "__type__" is a marker: with a registry, or under a class (never a field there).
        self._marked = bool(self._names) or not issubclass(self._default, dict)

    def encode(self, item: T) -> dict[str, Any]:
        """The item's fields (a new dict), with the registry name of a non-default class."""
        cls = type(item)
        document = item_state(item)
        if self._marked and TYPE_KEY in document:
            raise self._reserved(cls)
        name = self._names.get(cls)
        if name is not None:
            document[TYPE_KEY] = name
        elif cls is not self._default and not (self._default is dict and isinstance(item, dict)):
            raise self._undeclared(cls)
        return document

    def decode(self, document: Any) -> T:
        """The item a fresh document describes; the document becomes the item's state.

        Raises :class:`UnreadableItemError` when no declared class fits it.
        """
        if type(document) is not dict:
            raise UnreadableItemError(
                f"a stored item must be a JSON object, found {_json_kind(document)}"
            )
        if self._marked and TYPE_KEY in document:
            marker = document.pop(TYPE_KEY)
            build = self._builders.get(marker) if isinstance(marker, str) else None
            if build is None:
                raise UnreadableItemError(self._unknown(marker))
            item: T = build(document)
            return item
        result: T = self._build_default(document)
        return result

    def _unknown(self, marker: Any) -> str:
        if not self._names:
            return (
                f"it names type {marker!r}, but this persistence stores only "
                f"{self._default.__name__} items (an older wirework recorded the class of "
                f"each item): declare its class in item_types to read it"
            )
        return (
            f"it names type {marker!r}, which is not among the declared item types "
            f"({', '.join(sorted(self._builders))})"
        )

    def _undeclared(self, cls: type) -> WireworkError:
        if not self._names:
            return WireworkError(
                f"this persistence stores {self._default.__name__} items, not "
                f"{cls.__qualname__}: it could not read a {cls.__qualname__} back as itself",
                hint="pass item_type= for one class, or item_types= to store several",
            )
        return WireworkError(
            f"{cls.__qualname__} is not one of the declared item types "
            f"({', '.join(known.__name__ for known in (self._default, *self._names))})",
            hint="add the class to item_types",
        )

    @staticmethod
    def _reserved(cls: type) -> WireworkError:
        return WireworkError(
            f"cannot store a {cls.__qualname__} item with a field named {TYPE_KEY!r}: the "
            f"name {TYPE_KEY!r} is reserved in a persistence with a class item type or "
            f"several item types",
            hint="rename the field, or store such items in a dict persistence",
        )


def _registry(item_types: ItemTypes | None) -> list[tuple[str, type]]:
    if item_types is None:
        return []
    if isinstance(item_types, Mapping):
        pairs = [(str(name), cls) for name, cls in item_types.items()]
    else:
        pairs = [(type_name(cls) if isinstance(cls, type) else "", cls) for cls in item_types]
    for _name, cls in pairs:
        if not isinstance(cls, type):
            raise WireworkError(f"item_types must hold classes, got {cls!r}")
    return pairs


def _builder(cls: type) -> Callable[[dict[str, Any]], Any]:
    """How a document becomes an instance of ``cls``, decided once per class."""
    if cls is dict:
        return _same
    if issubclass(cls, dict):
        return cls
    if _restorable_by_dict(cls):

        def by_dict(document: dict[str, Any]) -> Any:
            item = _new(cls)
            item.__dict__ = document
            return item

        return by_dict

    def by_fields(document: dict[str, Any]) -> Any:
        try:
            item = cls.__new__(cls)
            for name, value in document.items():
                _setattr(item, name, value)
        except (AttributeError, TypeError) as exc:
            raise UnreadableItemError(
                f"cannot restore it as {type_name(cls)}: {exc}",
                hint="the class no longer matches the stored fields",
            ) from exc
        return item

    return by_fields


def _same(document: dict[str, Any]) -> dict[str, Any]:
    return document


def _restorable_by_dict(cls: type) -> bool:
    """True when setting the fields one by one on ``cls.__new__(cls)`` amounts to
    assigning ``__dict__``: no custom ``__new__``/``__setattr__``, no slots, no data
    descriptors that must see their field being set.

    Reads rebuild an item per row, so this is the per-row cost that decides whether a
    bulk read beats single reads: setting four fields one by one costs more than the
    database read of the row.
    """
    if issubclass(cls, dict):
        return False
    if cls.__new__ is not object.__new__ or cls.__setattr__ is not object.__setattr__:
        return False
    for base in cls.__mro__[:-1]:
        namespace = vars(base)
        if "__slots__" in namespace:
            return False
        for name, attribute in namespace.items():
            if name not in ("__dict__", "__weakref__") and hasattr(type(attribute), "__set__"):
                return False
    return "__dict__" in dir(cls)


def _json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", int: "a number", float: "a number"}
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return kinds.get(type(value), type(value).__name__)
