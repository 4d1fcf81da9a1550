"""``PagingParams`` and ``DataPage``: how much of a result to return, and what came back.

The clamping follows Pip.Services exactly, with one fix: a negative ``take`` means
"nothing" (its getter says so, but its persistence then treated 0 as "no limit" and
returned everything). ``take == 0`` still becomes "unset" on construction, as in
Pip.Services, so ``PagingParams(0, 0)`` asks for a default page; ask
for a count alone with ``PagingParams(take=-1, total=True)``.

``skip`` and ``take`` are whole numbers within 64 bits, checked when they are set:
SQL backends pass them to ``OFFSET`` and ``LIMIT``, which take 64-bit integers, so a
larger number (or ``"1e400"``, or ``"abc"``) is refused here with one error on every
backend rather than with a different driver exception on each.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from wirework.config._params import to_boolean
from wirework.data._documents import INT64_MAX, INT64_MIN
from wirework.errors import InvalidArgumentError

T = TypeVar("T")


def whole_number(value: Any, name: str) -> int | None:
    """``value`` as a whole number within 64 bits; ``None`` for ``None`` or ``""``.

    Lenient in Pip.Services' way (``"10"``, ``" 2 "``, ``"1.7"`` -> 1, ``True`` -> 1), so
    paging can come straight from a query string; anything else is an
    :class:`InvalidArgumentError` naming ``name``.
    """
    if value is None or isinstance(value, bool | int):
        number = None if value is None else int(value)
    else:
        text = value.strip() if isinstance(value, str) else value
        if text == "":
            return None
        number = _integral(text)
        if number is None:
            raise InvalidArgumentError(f"{name} must be a whole number, got {_shown(value)}")
    if number is not None and not INT64_MIN <= number <= INT64_MAX:
        raise InvalidArgumentError(
            f"{name} must be a whole number within 64 bits (at most {INT64_MAX}), "
            f"got {_shown(value)}"
        )
    return number


def _integral(value: Any) -> int | None:
    """The whole part of a number or numeric text; ``None`` when there is none."""
    if isinstance(value, str) and len(value) > 64:
        return None  # no 64-bit number needs more characters; int() of long text is slow
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        pass
    try:
        number = float(value)
        return int(number) if math.isfinite(number) else None
    except (TypeError, ValueError, OverflowError):
        return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


class PagingParams:
    """``skip`` items, return at most ``take``, and say whether to count the ``total``.

    Values are converted leniently (``"10"`` becomes 10, ``"true"`` becomes True), so
    paging straight from a query string works.
    """

    __slots__ = ("_skip", "_take", "total")

    def __init__(self, skip: Any = None, take: Any = None, total: Any = False) -> None:
        self.skip = skip
        self.take = take
        self.total: bool = bool(to_boolean(total))

    @property
    def skip(self) -> int | None:
        return self._skip

    @skip.setter
    def skip(self, value: Any) -> None:
        self._skip = whole_number(value, "paging skip")

    @property
    def take(self) -> int | None:
        return self._take

    @take.setter
    def take(self, value: Any) -> None:
        taken = whole_number(value, "paging take")
        self._take = None if taken == 0 else taken

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
            raise InvalidArgumentError(
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
        raise InvalidArgumentError(
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
        total = whole_number(value.get("total"), "page total")
        return DataPage(list(value.get("data") or []), total)
