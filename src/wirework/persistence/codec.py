"""Items to JSON documents and back, keeping their type.

File and SQL backends store each item as a JSON object. Restoring bare dicts (what the
reference system's file persistence does) breaks every caller that reads ``item.id``,
so the codec restores the item's class:

* the persistence may be given an ``item_type``: documents come back as that class;
* an item whose class is not that default (or any non-dict item when there is no
  ``item_type``) is written with a ``"__type__": "module:QualName"`` marker, resolved
  by import when the document is read back.

Instances are rebuilt the way ``copy`` and ``pickle`` do, with ``cls.__new__`` and the
saved fields, so constructors with required arguments or side effects are never
called. A marker imports a module, so a data file is trusted as much as the code that
reads it: keep it where only the service can write.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Final, Generic, TypeVar

from wirework.errors import WireworkError

__all__ = ["TYPE_KEY", "ItemCodec", "item_state", "type_name"]

T = TypeVar("T")

TYPE_KEY: Final = "__type__"
_setattr = object.__setattr__


def type_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


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


class ItemCodec(Generic[T]):
    """Encodes items to JSON-ready dicts and decodes them back into their classes."""

    def __init__(self, item_type: type[T] | None = None) -> None:
        self.item_type = item_type
        self._default: type = item_type if item_type is not None else dict
        self._types: dict[str, type] = {}

    def encode(self, item: T) -> dict[str, Any]:
        document = item_state(item)
        cls = type(item)
        if cls is not self._default:
            name = type_name(cls)
            if "<locals>" in cls.__qualname__:
                raise WireworkError(
                    f"cannot store a {cls.__qualname__} item: a class defined inside a "
                    f"function cannot be found again when the data is read back",
                    hint="define the item class at module level, or pass item_type=",
                )
            document[TYPE_KEY] = name
        return document

    def decode(self, document: Mapping[str, Any]) -> T:
        if not isinstance(document, Mapping):
            raise WireworkError(
                f"a stored item must be a JSON object, found {type(document).__name__}"
            )
        fields = dict(document)
        marker = fields.pop(TYPE_KEY, None)
        cls = self._default if marker is None else self._resolve(str(marker))
        result: Any
        if issubclass(cls, dict):
            result = fields if cls is dict else cls(fields)
            return result  # type: ignore[no-any-return]
        try:
            result = cls.__new__(cls)
            for name, value in fields.items():
                _setattr(result, name, value)
        except (AttributeError, TypeError) as exc:
            raise WireworkError(
                f"cannot restore a stored item as {type_name(cls)}: {exc}",
                hint="the class no longer matches the stored fields",
            ) from exc
        return result  # type: ignore[no-any-return]

    def _resolve(self, name: str) -> type:
        cached = self._types.get(name)
        if cached is not None:
            return cached
        module_name, _, qualname = name.partition(":")
        try:
            target: Any = importlib.import_module(module_name)
            for part in qualname.split("."):
                target = getattr(target, part)
        except (ImportError, AttributeError, ValueError) as exc:
            raise WireworkError(
                f"cannot restore items of type {name!r}: {exc}",
                hint="the class was moved or renamed since the data was saved; "
                "pass item_type= to read such items as that class",
            ) from exc
        if not isinstance(target, type):
            raise WireworkError(f"cannot restore items of type {name!r}: it is not a class")
        self._types[name] = target
        return target
