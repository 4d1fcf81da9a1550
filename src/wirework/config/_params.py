"""``ConfigParams``: a component's config section as a flat map of dotted keys.

Pip.Services hands components a flat ``options.timeout``-style map with typed getters;
that shape is kept. Unlike Pip.Services, values stay native (a YAML ``true``
stays ``True``, ``60000`` stays an int): the getters convert, the map does not
stringify.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wirework.config._secrets import redact_value
from wirework.errors import ConfigError

_TRUE = frozenset({"true", "t", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "off"})


def to_integer(value: Any) -> int | None:
    """Lenient int conversion in Pip.Services' style (``'1.7'`` -> 1, ``True`` -> 1).

    ``None`` when the value is no finite number: ``'abc'``, NaN, infinity, ``'1e400'``,
    or a text of more digits than Python reads (4,300). An int or a text of digits
    converts exactly, however large.
    """
    if value is None or isinstance(value, bool):
        return None if value is None else int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        real = to_float(text)
    return int(real) if real is not None and math.isfinite(real) else None


def to_float(value: Any) -> float | None:
    """``float(value)``, or ``None`` when impossible (an int too large for a float too)."""
    if value is None:
        return None
    try:
        return float(value if not isinstance(value, str) else value.strip())
    except (TypeError, ValueError, OverflowError):
        return None


def to_boolean(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested maps and lists to dotted keys (list items by index); leaves stay native.

    Walked with an explicit stack, so any depth flattens; a value that contains itself
    is a :class:`ConfigError` (YAML anchors can build one).
    """
    out: dict[str, Any] = {}
    on_path: set[int] = set()  # the containers between the root and the current item
    stack: list[tuple[str, Any, bool]] = [(prefix, value, False)]
    while stack:
        path, item, leaving = stack.pop()
        if leaving:
            on_path.discard(id(item))
            continue
        if isinstance(item, Mapping) and item:
            children = [(f"{path}.{key}" if path else str(key), v) for key, v in item.items()]
        elif isinstance(item, list | tuple) and item:
            children = [(f"{path}.{i}" if path else str(i), v) for i, v in enumerate(item)]
        else:
            if path:
                out[path] = item
            continue
        if id(item) in on_path:
            raise ConfigError(f"{path or 'the value'} contains itself")
        on_path.add(id(item))
        stack.append((path, item, True))
        stack.extend((child, v, False) for child, v in reversed(children))
    return out


class TypedGetters:
    """Pip.Services' ``get_as_*`` family over any map with ``get``; shared by
    ``ConfigParams`` and ``AnyValueMap`` so both convert exactly alike."""

    __slots__ = ()

    if TYPE_CHECKING:  # provided by the dict the mixin is combined with

        def get(self, key: str, default: Any = None, /) -> Any: ...

    # -- strings ------------------------------------------------------------------
    def get_as_nullable_string(self, key: str) -> str | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def get_as_string(self, key: str) -> str:
        return self.get_as_string_with_default(key, "")

    def get_as_string_with_default(self, key: str, default: str) -> str:
        value = self.get_as_nullable_string(key)
        return default if value is None else value

    # -- integers -----------------------------------------------------------------
    def get_as_nullable_integer(self, key: str) -> int | None:
        return to_integer(self.get(key))

    def get_as_integer(self, key: str) -> int:
        return self.get_as_integer_with_default(key, 0)

    def get_as_integer_with_default(self, key: str, default: int) -> int:
        value = to_integer(self.get(key))
        return default if value is None else value

    get_as_nullable_long = get_as_nullable_integer
    get_as_long = get_as_integer
    get_as_long_with_default = get_as_integer_with_default

    # -- floats -------------------------------------------------------------------
    def get_as_nullable_float(self, key: str) -> float | None:
        return to_float(self.get(key))

    def get_as_float(self, key: str) -> float:
        return self.get_as_float_with_default(key, 0.0)

    def get_as_float_with_default(self, key: str, default: float) -> float:
        value = to_float(self.get(key))
        return default if value is None else value

    get_as_nullable_double = get_as_nullable_float
    get_as_double = get_as_float
    get_as_double_with_default = get_as_float_with_default

    # -- booleans -----------------------------------------------------------------
    def get_as_nullable_boolean(self, key: str) -> bool | None:
        return to_boolean(self.get(key))

    def get_as_boolean(self, key: str) -> bool:
        return self.get_as_boolean_with_default(key, False)

    def get_as_boolean_with_default(self, key: str, default: bool) -> bool:
        value = to_boolean(self.get(key))
        return default if value is None else value


class ConfigParams(TypedGetters, dict[str, Any]):
    """A flat ``{dotted.key: value}`` map with Pip.Services' typed getters.

    Without a ``__dict__`` (no attributes of its own): a service keeps one per component.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        shown = {k: redact_value(str(k), v) for k, v in self.items()}
        return f"ConfigParams({shown!r})"

    @classmethod
    def from_value(cls, value: Any) -> ConfigParams:
        """Flatten a nested structure (as parsed from YAML) into dotted keys."""
        return cls(flatten(value))

    @classmethod
    def from_tuples(cls, *pairs: Any) -> ConfigParams:
        """``from_tuples("a", 1, "b.c", 2)``; values may be nested and are flattened."""
        if len(pairs) % 2:
            raise ConfigError(f"from_tuples needs key/value pairs, got {len(pairs)} items")
        params = cls()
        for key, value in zip(pairs[::2], pairs[1::2], strict=True):
            params.update(flatten(value, str(key)) or {str(key): value})
        return params

    @classmethod
    def from_string(cls, text: str | None) -> ConfigParams:
        """Parse ``"a=1;b=2"``; a key without ``=`` gets ``None``; values stay strings."""
        params = cls()
        for chunk in (text or "").split(";"):
            if not chunk.strip():
                continue
            key, sep, value = chunk.partition("=")
            params[key.strip()] = value if sep else None
        return params

    # -- sections -----------------------------------------------------------------
    def get_section_names(self) -> list[str]:
        """Distinct first segments, in insertion order."""
        return list(dict.fromkeys(key.split(".", 1)[0] for key in self))

    def get_section(self, name: str) -> ConfigParams:
        """The keys under ``name.``, with that prefix stripped (empty when absent)."""
        prefix = name + "."
        cut = len(prefix)
        return ConfigParams({k[cut:]: v for k, v in self.items() if k.startswith(prefix)})

    def add_section(self, name: str, section: Mapping[str, Any]) -> None:
        for key, value in section.items():
            self[f"{name}.{key}"] = value

    def override(self, other: Mapping[str, Any] | None) -> ConfigParams:
        """A new map where ``other``'s keys win."""
        return ConfigParams({**self, **(other or {})})

    def set_defaults(self, defaults: Mapping[str, Any] | None) -> ConfigParams:
        """A new map where this map's keys win over ``defaults``."""
        return ConfigParams({**(defaults or {}), **self})

    def to_nested(self) -> dict[str, Any]:
        """Rebuild the nested structure (maps only; list indices stay keys).

        A key that holds a value and also has keys under it (``a`` and ``a.b``) has no
        nested form: that is a :class:`ConfigError` naming both.
        """
        root: dict[str, Any] = {}
        built = {id(root)}  # the maps made here, as opposed to values that are maps
        for key, value in self.items():
            node = root
            *parents, leaf = key.split(".")
            for depth, part in enumerate(parents):
                child: Any = node.get(part)
                if child is None and part not in node:
                    child = node[part] = {}
                    built.add(id(child))
                elif id(child) not in built:
                    raise self._clash(".".join(parents[: depth + 1]))
                node = child
            if leaf in node:
                raise self._clash(key)
            node[leaf] = value
        return root

    def _clash(self, key: str) -> ConfigError:
        under = next(k for k in self if k.startswith(key + "."))
        return ConfigError(
            f"{key!r} is both a value and a section ({under!r}): it has no nested form"
        )
