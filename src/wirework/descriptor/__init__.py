"""Five-part component locators (``group:type:kind:name:version``).

A descriptor is a value: frozen and hashable, so the references can index by it
instead of scanning. ``==`` is exact equality; wildcard matching is the separate
:meth:`Descriptor.match`. (Pip.Services makes ``==`` the wildcard match, which is not
transitive and leaves descriptors unhashable; wirework deliberately does not.)
"""

from __future__ import annotations

from typing import NamedTuple

from wirework.errors import ConfigError

__all__ = ["WILDCARD", "Descriptor"]

WILDCARD = "*"


class Descriptor(NamedTuple):
    """A component locator; ``"*"`` in a field matches anything, on either side."""

    group: str
    type: str
    kind: str
    name: str
    version: str

    @classmethod
    def from_string(cls, value: str) -> Descriptor:
        """Parse ``"g:t:k:n:v"``: exactly five ``:``-separated parts, each stripped."""
        if not isinstance(value, str):
            raise ConfigError(
                f"descriptor must be a string 'group:type:kind:name:version', got {value!r}"
            )
        parts = [part.strip() for part in value.split(":")]
        if len(parts) != 5 or not all(parts):
            found = (
                f"part {parts.index('') + 1} is empty"
                if len(parts) == 5
                else f"got {len(parts)} part{'s' if len(parts) != 1 else ''}"
            )
            raise ConfigError(
                f"descriptor {value!r} is malformed: expected 5 non-empty parts "
                f"'group:type:kind:name:version' ('*' as a wildcard), {found}"
            )
        return cls(*parts)

    @property
    def is_complete(self) -> bool:
        """True when no field is a wildcard."""
        return WILDCARD not in self

    def match(self, other: Descriptor) -> bool:
        """Field-wise match where a wildcard on either side matches anything."""
        # Unrolled on purpose: factories and references call this in their inner loops.
        g, t, k, n, v = self
        og, ot, ok, on, ov = other
        return (
            (g == og or g == "*" or og == "*")
            and (t == ot or t == "*" or ot == "*")
            and (k == ok or k == "*" or ok == "*")
            and (n == on or n == "*" or on == "*")
            and (v == ov or v == "*" or ov == "*")
        )

    def __str__(self) -> str:
        return ":".join(self)

    def __repr__(self) -> str:
        return f"Descriptor({str(self)!r})"
