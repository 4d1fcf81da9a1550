"""``ConfigParams``: a component's config section as a flat map of dotted keys.

The seeds hand components a flat ``options.timeout``-style map with typed getters;
that shape is kept. Unlike the reference system, values stay native (a YAML ``true``
stays ``True``, ``60000`` stays an int): the getters convert, the map does not
stringify.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wirework.config.secrets import is_secret_key, redact_value

__all__ = [
    "ConfigParams",
    "TypedGetters",
    "flatten",
    "is_secret_key",
    "to_boolean",
    "to_float",
    "to_integer",
]

_TRUE = frozenset({"true", "t", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "off"})


def to_integer(value: Any) -> int | None:
    """Lenient int conversion in the seed's style (``'1.7'`` -> 1); ``None`` when impossible."""
    if value is None or isinstance(value, bool):
        return int(value) if isinstance(value, bool) else None
    if isinstance(value, int):
        return value
    try:
        return int(float(str(value).strip()))
    except ValueError:
        return None


def to_float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value if not isinstance(value, str) else value.strip())
    except (TypeError, ValueError):
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
    """Nested maps and lists to dotted keys (list items by index); leaves stay native."""
    out: dict[str, Any] = {}
    _flatten_into(out, value, prefix)
    return out


def _flatten_into(out: dict[str, Any], value: Any, prefix: str) -> None:
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            _flatten_into(out, item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list | tuple) and value:
        for index, item in enumerate(value):
            _flatten_into(out, item, f"{prefix}.{index}" if prefix else str(index))
    elif prefix:
        out[prefix] = value


class TypedGetters:
    """The seed's ``get_as_*`` family over any map with ``get``; shared by
    ``ConfigParams`` and ``AnyValueMap`` so both convert exactly alike."""

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
    """A flat ``{dotted.key: value}`` map with the seed's typed getters."""

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
            raise ValueError(f"from_tuples needs key/value pairs, got {len(pairs)} items")
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
        """Rebuild the nested structure (maps only; list indices stay keys)."""
        root: dict[str, Any] = {}
        for key, value in self.items():
            node = root
            *parents, leaf = key.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        return root
