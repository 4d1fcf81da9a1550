"""``ComponentSpec``: one entry of a config file, and the lines of its keys.

Kept apart from the loader, which imports PyYAML: the container and the dependency
injector bridge name this type without paying for the parser.

A service of ten thousand components keeps ten thousand specs for as long as it runs,
so a spec is small. The line of each key (for errors that point at the YAML) is kept
as its distance from the entry's own line, in a map that every entry written alike
shares (the same keys, each the same number of lines below the entry's first): in a
generated or regular config that is one map for the whole file, where a map per entry
would cost more than the rest of the spec.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from wirework.config._params import ConfigParams
from wirework.descriptor import Descriptor


class LineMap(Mapping[str, int]):
    """``{dotted key: 1-based line}`` of one entry, read-only: ``offsets`` (each key's
    line minus ``base``, shared between entries) read from the entry's line ``base``."""

    __slots__ = ("_base", "_offsets")

    def __init__(self, offsets: Mapping[str, int], base: int) -> None:
        self._offsets = offsets
        self._base = base

    def __getitem__(self, key: str) -> int:
        return self._base + self._offsets[key]

    def __contains__(self, key: object) -> bool:
        return key in self._offsets

    def __iter__(self) -> Iterator[str]:
        return iter(self._offsets)

    def __len__(self) -> int:
        return len(self._offsets)

    def __repr__(self) -> str:
        return f"LineMap({dict(self)!r})"


def packed(offsets: list[int]) -> bytes | tuple[int, ...]:
    """``offsets`` in a ``bytes`` when each is 0..255 (the usual entry), else a tuple."""
    try:
        return bytes(offsets)
    except ValueError:
        return tuple(offsets)


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    """One component entry of a config file."""

    descriptor: Descriptor | None
    type: str | None
    config: ConfigParams
    source: str
    label: str  # how errors name the component: its descriptor, else its type
    line: int = 0  # the entry's own line (0: not read from a file)
    offsets: Mapping[str, int] = field(default_factory=dict)  # dotted key -> its line - line

    @property
    def lines(self) -> Mapping[str, int]:
        """``{dotted key: its 1-based line}``."""
        return LineMap(self.offsets, self.line)

    def source_of(self, key: str) -> str:
        """``file:line`` of ``key`` (or of its nearest recorded parent), else of the entry."""
        probe = key
        offsets = self.offsets
        while probe:
            if probe in offsets:
                return f"{self.source.rsplit(':', 1)[0]}:{self.line + offsets[probe]}"
            probe = probe.rpartition(".")[0]
        return self.source
