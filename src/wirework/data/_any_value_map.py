"""``AnyValueMap``: a map that keeps native values and converts only when asked.

Pip.Services' ``AnyValueMap`` stringifies filter values and flattens maps, so ``5`` comes back
as ``'5'`` and equality against stored data silently fails. Here the map stores what
it is given; the typed getters are the config ones, so ``"5"`` and ``5`` read the same through
``get_as_integer``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from wirework.config._params import TypedGetters
from wirework.errors import InvalidArgumentError


class AnyValueMap(TypedGetters, dict[str, Any]):
    """A ``dict`` of native values with Pip.Services' ``get_as_*`` getter family."""

    @classmethod
    def from_tuples(cls, *pairs: Any) -> Self:
        """``from_tuples("a", 1, "b", [2, 3])``; values are kept as given, not flattened."""
        if len(pairs) % 2:
            raise InvalidArgumentError(
                f"{cls.__name__}.from_tuples needs key/value pairs, got {len(pairs)} items"
            )
        result = cls()
        for key, value in zip(pairs[::2], pairs[1::2], strict=True):
            result[str(key)] = value
        return result

    @classmethod
    def from_value(cls, value: Any) -> Self:
        """A copy of a mapping, the public attributes of an object, or empty for ``None``."""
        if value is None:
            return cls()
        if isinstance(value, Mapping):
            return cls({str(k): v for k, v in value.items()})
        attributes = getattr(value, "__dict__", None)
        if isinstance(attributes, dict):
            return cls({k: v for k, v in attributes.items() if not k.startswith("_")})
        raise InvalidArgumentError(
            f"{cls.__name__}.from_value needs a mapping or an object with attributes, "
            f"got {type(value).__name__}"
        )

    @classmethod
    def from_maps(cls, *maps: Mapping[str, Any] | None) -> Self:
        """Merge several maps; later ones win."""
        result = cls()
        for item in maps:
            if item:
                result.update(item)
        return result

    def get_as_object(self, key: str | None = None) -> Any:
        """The raw value, or a plain-dict copy of the whole map when ``key`` is ``None``."""
        return dict(self) if key is None else self.get(key)

    def set_as_object(self, key: str, value: Any) -> None:
        self[key] = value

    # -- containers ---------------------------------------------------------------
    def get_as_map(self, key: str) -> AnyValueMap:
        """A nested map as an ``AnyValueMap`` (empty when missing or not a map)."""
        value = self.get(key)
        return AnyValueMap(value) if isinstance(value, Mapping) else AnyValueMap()

    def get_as_array(self, key: str) -> list[Any]:
        """A list for sequences, ``[value]`` for a scalar, ``[]`` when missing."""
        value = self.get(key)
        if value is None:
            return []
        if isinstance(value, list | tuple | set | frozenset):
            return list(value)
        return [value]
