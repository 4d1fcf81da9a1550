"""Pip.Services' "Creating a memory persistence component" tutorial, step by step, on wirework.

Run it where wirework is installed, e.g. from the repository root after ``make test``
created ``.venv``: ``.venv/bin/python examples/memory_persistence_tutorial.py``. It
follows the original: a dummy class, a persistence with a filter and a
``get_one_by_key`` method, then create, read, update, partially update and delete. Two
differences:

* the persistence is opened before use (and closed after): wirework refuses operations
  on a persistence that is not open, instead of silently working after ``close``;
* the original's filter skipped the items listed in ``ids`` instead of keeping them;
  this one keeps them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wirework.data import AnyValueMap, DataPage, FilterParams, IStringIdentifiable, PagingParams
from wirework.persistence import IdentifiableMemoryPersistence


# Step 1 - a dummy class: anything with an ``id`` is identifiable.
class MyDummy(IStringIdentifiable):
    def __init__(self, id: str | None = None, key: str = "", content: str = "") -> None:  # noqa: A002
        self.id = id
        self.key = key
        self.content = content

    def __repr__(self) -> str:
        return f"MyDummy(id={self.id!r}, key={self.key!r}, content={self.content!r})"


# Step 2 - the memory persistence, with a filter built from FilterParams.
class MyMemoryPersistence(IdentifiableMemoryPersistence[MyDummy]):
    @staticmethod
    def _compose_filter(filter_params: FilterParams | None) -> Callable[[MyDummy], bool]:
        params = FilterParams.from_value(filter_params)
        id = params.get_as_nullable_string("id")  # noqa: A001
        ids_text = params.get_as_nullable_string("ids")
        ids = ids_text.split(",") if ids_text is not None else None
        key = params.get_as_nullable_string("key")

        def matches(item: MyDummy) -> bool:
            if id is not None and item.id != id:
                return False
            if ids is not None and item.id not in ids:
                return False
            return key is None or item.key == key

        return matches

    def get_page_by_filter(  # type: ignore[override]
        self,
        correlation_id: str | None,
        filter: FilterParams | None,  # noqa: A002
        paging: PagingParams | None,
        sort: Any = None,
        select: Any = None,
    ) -> DataPage[Any]:
        return super().get_page_by_filter(
            correlation_id, self._compose_filter(filter), paging, sort, select
        )

    def get_one_by_key(self, correlation_id: str | None, key: str) -> MyDummy | None:
        for item in self._items.values():
            if item.key == key:
                self._logger.trace(correlation_id, "Found object by key=%s", key)
                return MyDummy(item.id, item.key, item.content)
        self._logger.trace(correlation_id, "Cannot find object by key=%s", key)
        return None


def show_page(title: str, page: DataPage[Any]) -> None:
    print(f"{title}: {len(page.data)} item(s)")
    for item in page.data:
        print(f"    {item}")


def main() -> None:
    persistence = MyMemoryPersistence()
    persistence.open(None)
    try:
        # CRUD: create three dummies; the third gets a generated id.
        print("Step 1 - create")
        dummy1 = persistence.create(None, MyDummy("1", "key 1", "content 1"))
        dummy2 = persistence.create(None, MyDummy("2", "key 2", "content 2"))
        dummy3 = persistence.create(None, MyDummy(None, "key 3", "content 3"))
        for dummy in (dummy1, dummy2, dummy3):
            print(f"  created {dummy}")

        print("Step 2 - read by filter")
        only2 = FilterParams.from_tuples("key", "key 2")
        show_page("  key 2", persistence.get_page_by_filter(None, only2, None))

        print("Step 3 - read all")
        show_page("  all", persistence.get_page_by_filter(None, None, None))

        print("Step 4 - update")
        dummy2.content = "new content 2"
        print(f"  updated {persistence.update(None, dummy2)}")
        show_page("  key 2", persistence.get_page_by_filter(None, only2, None))

        print("Step 5 - update partially")
        changes = AnyValueMap.from_tuples("content", "Partially updated content 2")
        print(f"  updated {persistence.update_partially(None, '2', changes)}")
        show_page("  key 2", persistence.get_page_by_filter(None, only2, None))

        print("Step 6 - delete")
        print(f"  deleted {persistence.delete_by_id(None, '1')}")

        print("Step 7 - verify")
        only1 = FilterParams.from_tuples("id", "1")
        show_page("  id 1", persistence.get_page_by_filter(None, only1, None))
        show_page("  all", persistence.get_page_by_filter(None, None, None))
        print(f"  by key 'key 3': {persistence.get_one_by_key(None, 'key 3')}")
    finally:
        persistence.close(None)


if __name__ == "__main__":
    main()
