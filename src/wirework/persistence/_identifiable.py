"""In-memory persistence of items with ids: O(1) by-id operations, the SQL backends' id rule.

Items are keyed by ``check_id`` of their id, the text a SQL row is keyed by: ``1``
and ``"1"`` are one item here as they are in SQLite and PostgreSQL, and ``True`` or
``1.0`` is refused rather than found as ``1``. An invalid id can never be stored, so a
read that finds its item needs no check; only a miss checks the id, which keeps the
by-id read at one dict lookup plus a copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from wirework.data._documents import check_id, plain_fields
from wirework.data._id_generator import IdGenerator
from wirework.errors import ConflictError, InvalidArgumentError, WireworkError
from wirework.persistence._items import (
    PLAIN_CLASSES,
    check_item,
    get_id,
    keys_of,
    new_copy,
    set_field,
    set_id,
    shallow_copy,
)
from wirework.persistence._memory import MemoryPersistence

T = TypeVar("T")

_new = object.__new__


class IdentifiableMemoryPersistence(MemoryPersistence[T]):
    """Items with unique ids (``item.id`` or ``item["id"]``), with O(1) by-id operations.

    In Pip.Services' style, subclasses usually only add a filter builder and call
    ``get_page_by_filter`` with it; a ``FilterParams`` or dict of field values works
    unchanged and is the form other backends understand.
    """

    # -- writes ------------------------------------------------------------------------
    def create(self, correlation_id: str | None, item: T) -> T:
        """Store a copy; a missing id is generated. An existing id raises ``ConflictError``."""
        if not self._opened:
            self._require_open("create")
        # The usual item (a plain object or a dict, with an id, of flat plain fields) is
        # copied, keyed and checked here without the helpers' calls: the same steps, in
        # the same order, as new_copy and check_item, which take every other item.
        cls = type(item)
        plain = cls in PLAIN_CLASSES
        stored: Any
        if plain:
            stored = _new(cls)
            stored.__dict__ = fields = item.__dict__.copy()
            item_id = getattr(stored, "id", None)
        elif cls is dict:
            stored = fields = item.copy()  # type: ignore[attr-defined]
            item_id = fields.get("id")
        else:
            item_id = None
        if item_id is not None and plain_fields(fields):
            key = check_id(item_id, self._component)
        else:
            stored, key = new_copy(item, self._component)
            check_item(stored, key, self._component)
        with self._lock:
            items = self._items
            if self._saver is None:  # nothing to save, nothing to roll back
                added = items.setdefault(key, stored) is stored
            elif key in items:
                added = False
            else:
                before = self._snapshot()
                items[key] = stored
                self._commit(correlation_id, before)
                added = True
        if not added:
            raise ConflictError(
                f"cannot create an item with id {get_id(stored)!r}: that id already exists",
                component=self._component,
                hint="use update() or set() to replace an existing item",
            )
        if self._loggers:
            self._trace(correlation_id, "Created item %s", key)
        if plain:
            copied: Any = _new(cls)
            copied.__dict__ = stored.__dict__.copy()
            return copied  # type: ignore[no-any-return]
        return shallow_copy(stored)  # type: ignore[no-any-return]

    def set(self, correlation_id: str | None, item: T) -> T:
        """Create or replace the item with this id (an id is generated when missing)."""
        if not self._opened:
            self._require_open("set")
        stored, key = new_copy(item, self._component)
        check_item(stored, key, self._component)
        with self._lock:
            before = self._snapshot()
            self._items[key] = stored
            self._commit(correlation_id, before)
        if self._loggers:
            self._trace(correlation_id, "Set item %s", key)
        return shallow_copy(stored)

    def update(self, correlation_id: str | None, item: T) -> T | None:
        """Replace the stored item with a copy of ``item``; ``None`` if its id is unknown."""
        if not self._opened:
            self._require_open("update")
        if get_id(item) is None:
            return None
        stored, key = new_copy(item, self._component)
        check_item(stored, key, self._component)
        with self._lock:
            found = key in self._items
            if found:
                before = self._snapshot()
                self._items[key] = stored
                self._commit(correlation_id, before)
        if not found:
            self._trace(correlation_id, "Item %s not found for update", key)
            return None
        if self._loggers:
            self._trace(correlation_id, "Updated item %s", key)
        return shallow_copy(stored)

    def update_partially(
        self,
        correlation_id: str | None,
        id: Any,  # noqa: A002
        data: Mapping[str, Any] | None,
    ) -> T | None:
        """Set the given fields (an ``AnyValueMap`` or dict) on the item; ``None`` if unknown.

        Fields the item does not have yet are added. The id itself cannot change.
        """
        self._require_open("update_partially")
        if id is None:
            return None
        key = check_id(id, self._component)
        changes = partial_changes(id, key, data, self._component)
        with self._lock:
            current = self._items.get(key)
            if current is None:
                updated = None
            else:
                updated = shallow_copy(current)
                for name, value in changes.items():
                    set_field(updated, name, value)
                check_item(updated, key, self._component)
                before = self._snapshot()
                self._items[key] = updated
                self._commit(correlation_id, before)
        if updated is None:
            self._trace(correlation_id, "Item %s not found for partial update", key)
            return None
        self._trace(correlation_id, "Partially updated item %s", key)
        return shallow_copy(updated)

    def delete_by_id(self, correlation_id: str | None, id: Any) -> T | None:  # noqa: A002
        """Remove the item and return it; ``None`` if the id is unknown."""
        if not self._opened:
            self._require_open("delete_by_id")
        if id is None:
            return None
        key = check_id(id, self._component)
        with self._lock:
            if key not in self._items:
                removed = None
            else:
                before = self._snapshot()
                removed = self._items.pop(key)
                self._commit(correlation_id, before)
        if self._loggers:
            found = "Deleted item %s" if removed is not None else "Item %s not found"
            self._trace(correlation_id, found, key)
        # No longer stored, so handing out the object itself cannot alias stored data.
        return removed

    def delete_by_ids(self, correlation_id: str | None, ids: Iterable[Any]) -> None:
        """Remove the items with these ids; unknown ids are ignored."""
        self._require_open("delete_by_ids")
        wanted = keys_of(ids, self._component)
        with self._lock:
            present = [key for key in wanted if key in self._items]
            if present:
                before = self._snapshot()
                for key in present:
                    del self._items[key]
                self._commit(correlation_id, before)
        self._trace(correlation_id, "Deleted %d items", len(present))

    # -- reads -------------------------------------------------------------------------
    def get_one_by_id(self, correlation_id: str | None, id: Any) -> T | None:  # noqa: A002
        """A copy of the item, or ``None``. Lock-free: stored items are never mutated."""
        if not self._opened:
            self._require_open("get_one_by_id")
        if type(id) is str:
            item = self._items.get(id)
            if item is None:
                check_id(id, self._component)  # only an id that could be stored is "not found"
        else:
            item = None if id is None else self._items.get(check_id(id, self._component))
        if self._loggers:
            found = "Retrieved item %s" if item is not None else "Item %s not found"
            self._trace(correlation_id, found, id)
        if item is None:
            return None
        cls = type(item)
        if cls in PLAIN_CLASSES:
            # shallow_copy inlined: this is the path with a sub-microsecond target.
            copied: Any = _new(cls)
            copied.__dict__ = item.__dict__.copy()
            return copied  # type: ignore[no-any-return]
        return shallow_copy(item)

    def get_list_by_ids(self, correlation_id: str | None, ids: Iterable[Any]) -> list[T]:
        """Copies of the items with these ids, in the order of ``ids``; unknown ids skipped."""
        self._require_open("get_list_by_ids")
        items = self._items
        found = [items.get(key) for key in keys_of(ids, self._component)]
        result = [shallow_copy(item) for item in found if item is not None]
        self._trace(correlation_id, "Retrieved %d items", len(result))
        return result

    # -- helpers -----------------------------------------------------------------------
    def _index(self, items: Iterable[T]) -> dict[Any, T]:
        index: dict[Any, T] = {}
        for item in items:
            item_id = get_id(item)
            if item_id is None:
                item_id = IdGenerator.next_long()
                set_id(item, item_id)
            key = check_id(item_id, self._component)
            if key in index:
                raise ConflictError(
                    f"the loaded data holds id {item_id!r} more than once",
                    component=self._component,
                )
            index[key] = item
        return index


def partial_changes(item_id: Any, key: str, data: Any, component: str) -> dict[str, Any]:
    """The fields ``update_partially`` sets: a mapping, which may restate the id but not
    change the item it names."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise InvalidArgumentError(
            f"update_partially needs a mapping of fields to values (a dict or AnyValueMap), "
            f"got {type(data).__name__}",
            component=component,
        )
    changes = dict(data)
    if "id" in changes and check_id(changes["id"], component) != key:
        raise WireworkError(
            f"update_partially cannot change an item's id ({item_id!r} to {changes['id']!r})",
            component=component,
            hint="delete the item and create it under the new id",
        )
    return changes
