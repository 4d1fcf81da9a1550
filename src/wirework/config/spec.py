"""``ComponentSpec``: one entry of a config file, and the lines of its keys.

Kept apart from the loader, which imports PyYAML: the container and the dependency
injector bridge name this type without paying for the parser.

A service of ten thousand components keeps ten thousand specs for as long as it runs,
so a spec is small. The line of every key (for errors that point at the YAML) is a
:class:`LineMap`: the keys' positions in a dict shared by every entry written with the
same keys in the same order, and each key's line as its distance from the entry's own
line, in one ``bytes`` when every distance fits in a byte (a dict of its own would
cost several times that).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from wirework.config.params import ConfigParams
from wirework.descriptor import Descriptor

__all__ = ["ComponentSpec", "LineMap"]


class LineMap(Mapping[str, int]):
    """``{dotted key: 1-based line}`` of one entry, read-only.

    ``positions`` maps each key to its place in ``offsets`` and is shared between
    entries; ``offsets`` holds each key's line minus ``base`` (a ``bytes`` when they
    all lie in 0..255, else a tuple of ints).
    """

    __slots__ = ("_base", "_offsets", "_positions")

    def __init__(
        self, positions: Mapping[str, int], base: int, offsets: bytes | tuple[int, ...]
    ) -> None:
        self._positions = positions
        self._base = base
        self._offsets = offsets

    @classmethod
    def of(
        cls, lines: Mapping[str, int], base: int, shapes: dict[tuple[str, ...], dict[str, int]]
    ) -> LineMap:
        """``lines`` as a ``LineMap``; ``shapes`` collects the shared key positions."""
        keys = tuple(lines)
        positions = shapes.get(keys)
        if positions is None:
            positions = shapes[keys] = {key: index for index, key in enumerate(keys)}
        return cls(positions, base, packed([line - base for line in lines.values()]))

    def __getitem__(self, key: str) -> int:
        return self._base + self._offsets[self._positions[key]]

    def __contains__(self, key: object) -> bool:
        return key in self._positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)

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
    lines: Mapping[str, int] = field(default_factory=dict)  # dotted key -> its line

    def source_of(self, key: str) -> str:
        """``file:line`` of ``key`` (or of its nearest recorded parent), else of the entry."""
        probe = key
        lines = self.lines
        while probe:
            if probe in lines:
                return f"{self.source.rsplit(':', 1)[0]}:{lines[probe]}"
            probe = probe.rpartition(".")[0]
        return self.source
