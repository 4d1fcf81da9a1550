"""In-memory persistence with Pip.Services' CRUD API and its defects fixed.

What differs from pip-services3's ``MemoryPersistence`` (and, in ``identifiable``, its
``IdentifiableMemoryPersistence``), and why:

* Items are kept in a dict keyed by id (insertion-ordered), so by-id reads and writes
  are O(1) instead of a scan of every item.
* Items follow the rules of the serialising backends (``items.check_item``): what
  memory accepts, SQLite and PostgreSQL accept too, so swapping them changes nothing.
* The store owns its items. Every write stores a shallow copy and every read returns
  one; stored objects are never mutated after they are stored (an update replaces
  them), which is also what lets reads run without the lock.
* An id that already exists is a conflict on ``create``, as a primary key would be.
* ``sort`` sorts, ``select`` projects, ``total`` is counted only when asked for,
  a negative ``take`` returns nothing, ``get_one_random`` is uniform over the matches.
* Operations on a persistence that is not open fail with ``InvalidStateError``.
* No user code (filters, sort keys, projections) runs while the lock is held, so a
  filter may call back into the persistence, from any thread, without deadlocking.
* With a saver (file, later others), a write whose save fails is rolled back, so
  memory never claims data the store does not hold.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from wirework.config import ConfigParams
from wirework.config.schema import SchemaRef, validated
from wirework.data._paging import DataPage, PagingParams
from wirework.errors import InvalidStateError
from wirework.log import CompositeLogger, LogLevel
from wirework.persistence._interfaces import ILoader, ISaver
from wirework.persistence._items import check_item, get_id, shallow_copy
from wirework.persistence._query import (
    Filter,
    ItemTest,
    Predicate,
    Select,
    Sort,
    compile_filter,
    compile_select,
    compile_sort,
)
from wirework.persistence._rules import DEFAULT_MAX_PAGE_SIZE
from wirework.refer import IReferences

if TYPE_CHECKING:
    from wirework.persistence._schema import MemoryPersistenceConfig

T = TypeVar("T")

_TRACE = LogLevel.TRACE


class MemoryPersistence(Generic[T]):
    """Items kept in memory, optionally loaded from and saved to an external store.

    Config: ``options.max_page_size`` (default 100) caps ``take`` in
    ``get_page_by_filter``. References: ``*:logger:*:*:1.0`` (optional) for trace
    logging. Subclasses may read ``self._items`` (a dict, values are items) and log
    through ``self._logger``; they must not mutate stored items in place.
    """

    config_schema: ClassVar[SchemaRef] = "wirework.persistence._schema:MemoryPersistenceConfig"

    def __init__(self, loader: ILoader[T] | None = None, saver: ISaver[T] | None = None) -> None:
        self._component = type(self).__name__
        self._lock = threading.RLock()
        self._items: dict[Any, T] = {}
        self._loader = loader
        self._saver = saver
        self._max_page_size = DEFAULT_MAX_PAGE_SIZE
        self._opened = False
        self._logger = CompositeLogger()
        self._loggers: list[Any] = []
        self._keys = itertools.count()

    # -- component lifecycle -----------------------------------------------------------
    def configure(self, config: ConfigParams) -> None:
        options = cast("MemoryPersistenceConfig", validated(self, config)).options
        if "max_page_size" in options.model_fields_set:
            self._max_page_size = options.max_page_size
        for part in self._externals():
            configure = getattr(part, "configure", None)
            if callable(configure):
                configure(config)

    def set_references(self, references: IReferences) -> None:
        self._logger.set_references(references)
        self._loggers = [
            logger
            for logger in references.get_optional("*:logger:*:*:1.0")
            if not isinstance(logger, CompositeLogger)
            and callable(getattr(logger, "trace", None))
            and hasattr(logger, "level")
        ]

    def unset_references(self) -> None:
        self._logger.unset_references()
        self._loggers = []

    def is_open(self) -> bool:
        return self._opened

    def open(self, correlation_id: str | None) -> None:
        """Load the items (when there is a loader) and start accepting operations."""
        with self._lock:
            if self._opened:
                return
            if self._loader is not None:
                self._items = self._index(self._loader.load(correlation_id))
            self._opened = True
            count = len(self._items)
        self._trace(correlation_id, "Opened %s with %d items", type(self).__name__, count)

    def close(self, correlation_id: str | None) -> None:
        """Save the items (when there is a saver); if saving fails the persistence stays open."""
        with self._lock:
            if not self._opened:
                return
            if self._saver is not None:
                self._saver.save(correlation_id, list(self._items.values()))
            self._opened = False
        self._trace(correlation_id, "Closed %s", type(self).__name__)

    def save(self, correlation_id: str | None) -> None:
        """Write all items through the saver; for subclasses that changed ``_items``."""
        with self._lock:
            if self._saver is not None:
                self._saver.save(correlation_id, list(self._items.values()))

    def clear(self, correlation_id: str | None) -> None:
        """Remove every item."""
        self._require_open("clear")
        with self._lock:
            before = self._snapshot()
            self._items = {}
            self._commit(correlation_id, before)
        self._trace(correlation_id, "Cleared %s", type(self).__name__)

    # -- writes ------------------------------------------------------------------------
    def create(self, correlation_id: str | None, item: T) -> T:
        """Store a copy of ``item`` and return another copy."""
        self._require_open("create")
        stored = shallow_copy(item)
        check_item(stored, get_id(stored), self._component)
        with self._lock:
            before = self._snapshot()
            self._items[next(self._keys)] = stored
            self._commit(correlation_id, before)
        self._trace(correlation_id, "Created item")
        return shallow_copy(stored)

    def delete_by_filter(self, correlation_id: str | None, filter: Filter) -> None:  # noqa: A002
        """Delete every item the filter matches (every item for ``None``).

        The filter runs on a snapshot, outside the lock; an item replaced meanwhile by
        another writer is kept, since its new version was never tested.
        """
        self._require_open("delete_by_filter")
        predicate = compile_filter(filter, self._component)
        with self._lock:
            candidates = list(self._items.items())
        doomed = [(key, item) for key, item in candidates if predicate is None or predicate(item)]
        if not doomed:
            return
        with self._lock:
            before = self._snapshot()
            removed = 0
            for key, item in doomed:
                if self._items.get(key) is item:
                    del self._items[key]
                    removed += 1
            if removed:
                self._commit(correlation_id, before)
        self._trace(correlation_id, "Deleted %d items", removed)

    # -- reads -------------------------------------------------------------------------
    def get_page_by_filter(
        self,
        correlation_id: str | None,
        filter: Filter,  # noqa: A002
        paging: PagingParams | Mapping[str, Any] | None,
        sort: Sort = None,
        select: Select = None,
    ) -> DataPage[Any]:
        """A page of matching items, at most ``options.max_page_size`` of them.

        ``total`` is the number of matches when ``paging.total`` is true, else ``None``.
        """
        self._require_open("get_page_by_filter")
        predicate = compile_filter(filter, self._component)
        order = compile_sort(sort, self._component)
        projection = compile_select(select)
        paging = PagingParams.from_value(paging)
        skip = paging.get_skip(0)
        take = paging.get_take(self._max_page_size)
        # Without sorting or counting, only the first skip + take matches matter.
        limit = None if order is not None or paging.total else skip + take
        items = self._matching(predicate, limit)
        if order is not None:
            order(items)
        total = len(items) if paging.total else None
        data = self._output(items[skip : skip + take], projection)
        if self._loggers:
            if total is None:
                self._trace(correlation_id, "Retrieved %d items", len(data))
            else:
                self._trace(correlation_id, "Retrieved %d of %d items", len(data), total)
        return DataPage(data, total)

    def get_list_by_filter(
        self,
        correlation_id: str | None,
        filter: Filter,  # noqa: A002
        sort: Sort = None,
        select: Select = None,
    ) -> list[Any]:
        """Every matching item (no page size limit)."""
        self._require_open("get_list_by_filter")
        predicate = compile_filter(filter, self._component)
        order = compile_sort(sort, self._component)
        projection = compile_select(select)
        items = self._matching(predicate)
        if order is not None:
            order(items)
        data = self._output(items, projection)
        self._trace(correlation_id, "Retrieved %d items", len(data))
        return data

    def get_count_by_filter(self, correlation_id: str | None, filter: Filter) -> int:  # noqa: A002
        self._require_open("get_count_by_filter")
        predicate = compile_filter(filter, self._component)
        count = len(self._items) if predicate is None else len(self._matching(predicate))
        self._trace(correlation_id, "Counted %d items", count)
        return count

    def get_one_random(self, correlation_id: str | None, filter: Filter) -> T | None:  # noqa: A002
        """A uniformly random matching item, or ``None`` when nothing matches."""
        self._require_open("get_one_random")
        items = self._matching(compile_filter(filter, self._component))
        if not items:
            self._trace(correlation_id, "Nothing found for a random pick")
            return None
        self._trace(correlation_id, "Retrieved a random item")
        return shallow_copy(random.choice(items))

    # -- helpers -----------------------------------------------------------------------
    def _index(self, items: Iterable[T]) -> dict[Any, T]:
        """Loaded items keyed for storage (by position here, by id in subclasses)."""
        return {next(self._keys): item for item in items}

    def _matching(self, predicate: Predicate | None, limit: int | None = None) -> list[T]:
        with self._lock:
            if predicate is None and limit is not None:
                return list(islice(self._items.values(), limit))
            items = list(self._items.values())
        if predicate is None:
            return items
        if limit is None:
            if isinstance(predicate, ItemTest):
                return predicate.select(items)
            return list(filter(predicate, items))
        return list(islice(filter(predicate, items), limit))

    @staticmethod
    def _output(items: list[T], projection: tuple[Callable[[Any], Any], bool] | None) -> list[Any]:
        if projection is None:
            return [shallow_copy(item) for item in items]
        project, needs_copy = projection
        if needs_copy:
            return [project(shallow_copy(item)) for item in items]
        return [project(item) for item in items]

    def _snapshot(self) -> dict[Any, T] | None:
        """What to restore if saving a write fails (nothing to restore without a saver)."""
        return self._items.copy() if self._saver is not None else None

    def _commit(self, correlation_id: str | None, before: dict[Any, T] | None) -> None:
        """Save after a write (called with the lock held); undo the write if saving fails."""
        if self._saver is None:
            return
        try:
            self._saver.save(correlation_id, list(self._items.values()))
        except BaseException:
            if before is not None:
                self._items = before
            raise

    def _externals(self) -> list[Any]:
        parts: list[Any] = []
        for part in (self._loader, self._saver):
            if part is not None and all(part is not seen for seen in parts):
                parts.append(part)
        return parts

    def _require_open(self, operation: str) -> None:
        if not self._opened:
            raise InvalidStateError(
                f"cannot {operation}(): the persistence is not open",
                component=self._component,
                hint="call open() first (a container opens its components for you)",
            )

    def _trace(self, correlation_id: str | None, message: str, *args: Any) -> None:
        for logger in self._loggers:
            if logger.level >= _TRACE:
                logger.trace(correlation_id, message, *args)
