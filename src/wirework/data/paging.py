"""``PagingParams`` and ``DataPage``: how much of a result to return, and what came back.

The clamping follows the seed exactly, with one fix the reference system needs: a
negative ``take`` means "nothing" (the seed's getter says so, but its persistence then
treated 0 as "no limit" and returned everything). ``take == 0`` still becomes
"unset" on construction, as in the seed, so ``PagingParams(0, 0)`` asks for a default
page; ask for a count alone with ``PagingParams(take=-1, total=True)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from wirework.config.params import to_boolean, to_integer

__all__ = ["DataPage", "PagingParams"]

T = TypeVar("T")


class PagingParams:
    """``skip`` items, return at most ``take``, and say whether to count the ``total``.

    Values are converted leniently (``"10"`` becomes 10, ``"true"`` becomes True), so
    paging straight from a query string works.
    """

    __slots__ = ("skip", "take", "total")

    def __init__(self, skip: Any = None, take: Any = None, total: Any = False) -> None:
        self.skip: int | None = to_integer(skip)
        taken = to_integer(take)
        self.take: int | None = None if taken == 0 else taken
        self.total: bool = bool(to_boolean(total))

    def __repr__(self) -> str:
        return f"PagingParams(skip={self.skip!r}, take={self.take!r}, total={self.total!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PagingParams):
            return NotImplemented
        return (self.skip, self.take, self.total) == (other.skip, other.take, other.total)

    def __hash__(self) -> int:
        return hash((self.skip, self.take, self.total))

    def get_skip(self, min_skip: int) -> int:
        """``skip``, never below ``min_skip`` (``min_skip`` when unset)."""
        if self.skip is None or self.skip < min_skip:
            return min_skip
        return self.skip

    def get_take(self, max_take: int) -> int:
        """``take`` capped at ``max_take``; ``max_take`` when unset; 0 when negative."""
        if self.take is None:
            return max_take
        if self.take < 0:
            return 0
        return min(self.take, max_take)

    def has_total(self) -> bool:
        return self.total

    def to_json(self) -> dict[str, Any]:
        return {"skip": self.skip, "take": self.take, "total": self.total}

    @classmethod
    def from_json(cls, value: Mapping[str, Any] | None) -> PagingParams:
        return cls.from_map(value)

    @classmethod
    def from_map(cls, value: Mapping[str, Any] | None) -> PagingParams:
        value = value or {}
        return cls(value.get("skip"), value.get("take"), value.get("total", False))

    @classmethod
    def from_tuples(cls, *pairs: Any) -> PagingParams:
        if len(pairs) % 2:
            raise ValueError(
                f"PagingParams.from_tuples needs key/value pairs, got {len(pairs)} items"
            )
        return cls.from_map(dict(zip(pairs[::2], pairs[1::2], strict=True)))

    @classmethod
    def from_value(cls, value: Any) -> PagingParams:
        """Accepts ``PagingParams``, a mapping, or ``None`` (an unlimited default page)."""
        if isinstance(value, PagingParams):
            return value
        if value is None or isinstance(value, Mapping):
            return cls.from_map(value)
        raise ValueError(
            f"paging must be PagingParams, a mapping or None, got {type(value).__name__}"
        )


@dataclass(slots=True)
class DataPage(Generic[T]):
    """One page of results; ``total`` is the full match count, or ``None`` if not asked."""

    data: list[T] = field(default_factory=list)
    total: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"data": list(self.data), "total": self.total}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> DataPage[Any]:
        return DataPage(list(value.get("data") or []), to_integer(value.get("total")))
