"""When each stored key expires, kept so that expiring costs O(1) per call.

Pip.Services' memory store found expired entries by scanning all of them on every call.
Here the owner schedules ``(at, key)`` items. With one store-wide timeout and a clock
that moves forward, times arrive in order, so they are appended to a sorted list
and leave from its front: the due ones are found with one binary search and taken
as a slice, not one by one. A time earlier than the last one (a shorter per-item
TTL, a lowered timeout, a clock stepping back) goes to a min-heap instead, so the
list stays sorted and nothing is ever expired late.

Items are never updated in place; the owner recognises a stale one when it comes
due (``is_current`` says no), and :meth:`push` compacts once stale items outnumber
the owner's live entries, so memory stays bounded at O(1) amortized per push.
Not thread-safe by itself: the store calls it under its lock.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections.abc import Callable
from operator import itemgetter

NEVER = math.inf

_Item = tuple[float, str]  # (at, key)
_SLACK = 1024  # stale items tolerated beyond twice the live entries before compacting
_TRIM = 4096  # consumed front items dropped from the list once this many pile up
_AT = itemgetter(0)


class ExpirySchedule:
    """A sorted list for in-order times plus a heap for the rest; ``next`` is the earliest."""

    def __init__(self, is_current: Callable[[str, float], bool]) -> None:
        """``is_current(key, at)`` tells whether an item still stands for its entry."""
        self._is_current = is_current
        self._sorted: list[_Item] = []
        self._head = 0  # items before it are consumed
        self._heap: list[_Item] = []
        self.next = NEVER  # earliest scheduled time, readable without calling anything

    def __len__(self) -> int:
        return len(self._sorted) - self._head + len(self._heap)

    def push(self, key: str, at: float, live: int) -> None:
        """Schedule ``key`` at ``at``; ``live`` is how many entries the owner holds."""
        ordered = self._sorted
        if len(ordered) == self._head or ordered[-1][0] <= at:
            ordered.append((at, key))
        else:
            heapq.heappush(self._heap, (at, key))
        if at < self.next:
            self.next = at
        if len(ordered) - self._head + len(self._heap) > 2 * live + _SLACK:
            self.compact()

    def pop_due(self, now: float, limit: int) -> list[_Item]:
        """Remove and return up to ``limit`` items due at ``now`` (some may be stale)."""
        ordered, head, heap = self._sorted, self._head, self._heap
        end = bisect_right(ordered, now, head, min(len(ordered), head + limit), key=_AT)
        due = ordered[head:end]
        if end >= _TRIM and end * 2 >= len(ordered):
            del ordered[:end]
            end = 0
        self._head = end
        while heap and len(due) < limit and heap[0][0] <= now:
            due.append(heapq.heappop(heap))
        self._update_next()
        return due

    def compact(self) -> None:
        """Keep one item per key, and only if it is current; O(n)."""
        seen: set[str] = set()
        is_current = self._is_current

        def keep(item: _Item) -> bool:
            at, key = item
            if key in seen or not is_current(key, at):
                return False
            seen.add(key)
            return True

        self._sorted = [item for item in self._sorted[self._head :] if keep(item)]
        self._head = 0
        heap = [item for item in self._heap if keep(item)]
        heapq.heapify(heap)
        self._heap = heap
        self._update_next()

    def clear(self) -> None:
        self._sorted.clear()
        self._head = 0
        self._heap.clear()
        self.next = NEVER

    def _update_next(self) -> None:
        ordered = self._sorted
        first = ordered[self._head][0] if self._head < len(ordered) else NEVER
        self.next = min(first, self._heap[0][0]) if self._heap else first
