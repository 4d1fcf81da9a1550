"""``SortParams``: sort order as data, so a SQL backend can turn it into ``ORDER BY``.

A key callable can only run in Python; a list of named fields with directions can run
anywhere. ``None`` (or a missing field) sorts before every value in ascending order and
after every value in descending order, i.e. ``NULLS FIRST`` / ``NULLS LAST``, which SQL
backends must spell out explicitly to agree with memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from wirework.errors import InvalidArgumentError


@dataclass(frozen=True, slots=True)
class SortField:
    """One sort key: an item field (dotted for nested ones) and its direction."""

    name: str
    ascending: bool = True


class SortParams(list[SortField]):
    """``SortParams(SortField("key"), SortField("created", ascending=False))``.

    A bare string is accepted as an ascending field, and ``"-name"`` as a descending one.
    """

    def __init__(self, *fields: SortField | str) -> None:
        super().__init__(_to_field(f) for f in fields)

    def __repr__(self) -> str:
        return f"SortParams({', '.join(map(repr, self))})"


def _to_field(value: SortField | str) -> SortField:
    if isinstance(value, SortField):
        return value
    if isinstance(value, str) and value.strip("-").strip():
        text = value.strip()
        if text.startswith("-"):
            return SortField(text[1:].strip(), ascending=False)
        return SortField(text)
    raise InvalidArgumentError(f"a sort field must be a SortField or a field name, got {value!r}")
