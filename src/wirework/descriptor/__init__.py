"""Five-part component locators (``group:type:kind:name:version``).

A descriptor is a value: frozen and hashable, so the references can index by it
instead of scanning. ``==`` is exact equality; wildcard matching is the separate
:meth:`Descriptor.match`. (Pip.Services makes ``==`` the wildcard match, which is not
transitive and leaves descriptors unhashable; wirework deliberately does not.)
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import NamedTuple

from wirework.errors import ConfigError

__all__ = ["WILDCARD", "Descriptor", "closest_descriptors"]

WILDCARD = "*"
"""A descriptor field that matches any value, on either side of a match."""
_intern, _strip, _new = sys.intern, str.strip, tuple.__new__


class Descriptor(NamedTuple):
    """A component locator; ``"*"`` in a field matches anything, on either side."""

    group: str
    type: str
    kind: str
    name: str
    version: str

    @classmethod
    def from_string(cls, value: str) -> Descriptor:
        """Parse ``"g:t:k:n:v"``: exactly five ``:``-separated parts, each stripped.

        The parts are interned: a config of thousands of components repeats a few
        groups, types, kinds and versions, which then share one string each, and a
        lookup comparing its key with a registered descriptor finds most fields
        identical without reading their characters (about a third off an exact lookup
        among 10,000 components).
        """
        if not isinstance(value, str):
            raise ConfigError(
                f"descriptor must be a string 'group:type:kind:name:version', got {value!r}"
            )
        parts = list(map(_intern, map(_strip, value.split(":"))))
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
        return _new(cls, parts)  # what cls(*parts) does, without its Python-level __new__

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


_TYPE_CUTOFF = 0.8  # a type this close is a typo ("loger"); anything further is another type
_AFTER_TYPE = (2, 3, 4, 0)  # kind, name, version, group: the order candidates rank by


def closest_descriptors(
    pattern: Descriptor, candidates: Iterable[Descriptor], n: int = 3
) -> list[Descriptor]:
    """The registered descriptors a missing ``pattern`` most probably meant, best first.

    Plain string similarity over the whole descriptor is thrown off by wildcards and
    ranks a component of another type above one of the right type with another name.
    So fields are compared one by one (a wildcard on either side counts as equal):
    only candidates of the same type, or of a type one typo away, are suggested, and
    they rank by type, then kind, name, version and group.
    """
    scored: list[tuple[tuple[float, ...], str, Descriptor]] = []
    for candidate in set(candidates):
        similarity = _similarity(pattern.type, candidate.type)
        if similarity < _TYPE_CUTOFF:
            continue
        fields = ("kind", "name", "version", "group")
        key = (
            -similarity,
            *(-_similarity(getattr(pattern, f), getattr(candidate, f)) for f in fields),
        )
        scored.append((key, str(candidate), candidate))
    return [candidate for _, _, candidate in sorted(scored)[:n]]


def _similarity(mine: str, theirs: str) -> float:
    if mine == theirs or WILDCARD in (mine, theirs):
        return 1.0
    import difflib  # on first use: only a message with a suggestion needs it

    return difflib.SequenceMatcher(None, mine, theirs).ratio()
