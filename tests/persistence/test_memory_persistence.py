"""Memory-specific behaviour: callables, item shapes, logging, locking, savers."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from dummies import Dummy
from recording import Recorder

from wirework.config import ConfigParams
from wirework.data import FilterParams, PagingParams, SortParams
from wirework.errors import ConfigError, ConflictError, InvalidStateError, WireworkError
from wirework.log import LogLevel
from wirework.persistence import IdentifiableMemoryPersistence, MemoryPersistence
from wirework.persistence._schema import MemoryPersistenceConfig
from wirework.refer import References

Store = IdentifiableMemoryPersistence[Any]


@pytest.fixture
def persistence() -> Iterator[Store]:
    store: Store = IdentifiableMemoryPersistence()
    store.open(None)
    yield store
    store.close(None)


def fill(store: Store, count: int = 5) -> None:
    for i in range(1, count + 1):
        store.create(None, Dummy(str(i), f"k{i}", "even" if i % 2 == 0 else "odd", i))


# -- callables (Pip.Services' style) -------------------------------------------------------
def test_callable_filter_sort_and_select(persistence: Store) -> None:
    fill(persistence)
    page = persistence.get_page_by_filter(
        None,
        lambda d: d.count > 1,
        PagingParams(0, 2, True),
        lambda d: -d.count,
        lambda d: d.key.upper(),
    )
    assert (page.data, page.total) == (["K5", "K4"], 4)


def test_callable_select_sees_a_copy(persistence: Store) -> None:
    fill(persistence, 1)

    def vandal(item: Dummy) -> str:
        item.content = "vandalised"
        return item.content

    assert persistence.get_list_by_filter(None, None, None, vandal) == ["vandalised"]
    assert persistence.get_one_by_id(None, "1").content == "odd"


def test_seed_style_subclass_with_composed_filter() -> None:
    class KeyedPersistence(IdentifiableMemoryPersistence[Dummy]):
        def _compose_filter(self, params: Any) -> Callable[[Dummy], bool]:
            params = FilterParams.from_value(params)
            key = params.get_as_nullable_string("key")
            return lambda item: key is None or item.key == key

        def get_page_by_filter(
            self,
            correlation_id: str | None,
            filter: Any,  # noqa: A002
            paging: Any,
            sort: Any = None,
            select: Any = None,
        ) -> Any:
            return super().get_page_by_filter(
                correlation_id, self._compose_filter(filter), paging, sort, select
            )

        def get_one_by_key(self, correlation_id: str | None, key: str) -> Dummy | None:
            for item in self._items.values():
                if item.key == key:
                    self._logger.trace(correlation_id, "Found item by key=%s", key)
                    return item
            return None

    store = KeyedPersistence()
    store.open(None)
    fill(store)  # type: ignore[arg-type]
    page = store.get_page_by_filter(None, FilterParams.from_tuples("key", "k3"), None)
    assert [d.id for d in page.data] == ["3"]
    found = store.get_one_by_key(None, "k4")
    assert found is not None
    assert found.id == "4"


# -- item shapes -------------------------------------------------------------------------
@dataclass(frozen=True)
class Frozen:
    id: str | None = None
    name: str = ""


@dataclass(slots=True)
class Slotted:
    id: str | None = None
    name: str = ""


class Plain:
    def __init__(self, id: str | None, name: str) -> None:  # noqa: A002
        self.id = id
        self.name = name


class NoId:
    def __init__(self, name: str) -> None:
        self.name = name


@pytest.mark.parametrize(
    "item", [Frozen(None, "f"), Slotted(None, "s"), Plain(None, "p"), NoId("n"), {"name": "d"}]
)
def test_every_item_shape_gets_an_id_and_stays_separate(persistence: Store, item: Any) -> None:
    created = persistence.create(None, item)
    created_id = created["id"] if isinstance(created, dict) else created.id
    assert len(created_id) == 32
    assert type(created) is type(item)
    got = persistence.get_one_by_id(None, created_id)
    assert got is not created
    assert type(got) is type(item)
    # the caller's object never receives the generated id
    assert (item.get("id") if isinstance(item, dict) else getattr(item, "id", None)) is None


def test_frozen_dataclass_updates_partially(persistence: Store) -> None:
    persistence.create(None, Frozen("1", "before"))
    assert persistence.update_partially(None, "1", {"name": "after"}) == Frozen("1", "after")
    assert persistence.get_one_by_id(None, "1") == Frozen("1", "after")


def test_item_that_cannot_hold_an_id_is_rejected(persistence: Store) -> None:
    with pytest.raises(WireworkError, match=r"cannot set field 'id' on a int item"):
        persistence.create(None, 5)
    assert persistence.get_count_by_filter(None, None) == 0


def test_partial_update_of_a_field_a_slotted_item_lacks(
    persistence: Store,
) -> None:
    persistence.create(None, Slotted("1", "x"))
    with pytest.raises(WireworkError, match=r"cannot set field 'extra' on a Slotted item"):
        persistence.update_partially(None, "1", {"name": "y", "extra": 1})
    assert persistence.get_one_by_id(None, "1") == Slotted("1", "x")


# -- argument errors ---------------------------------------------------------------------
def test_invalid_filter_sort_and_select_are_explained(persistence: Store) -> None:
    message = r"a filter must be a FilterParams, a dict of field values or a callable, got int"
    with pytest.raises(WireworkError, match=message):
        persistence.get_list_by_filter(None, 42)  # type: ignore[arg-type]
    message = r"sort must be SortParams, a SortField, a field name or a key function, got int"
    with pytest.raises(WireworkError, match=message):
        persistence.get_list_by_filter(None, None, 42)  # type: ignore[arg-type]
    with pytest.raises(WireworkError, match=r"select must be field names or a callable, got int"):
        persistence.get_list_by_filter(None, None, None, 42)  # type: ignore[arg-type]
    message = r"paging must be PagingParams, a mapping or None, got str"
    with pytest.raises(ValueError, match=message):
        persistence.get_page_by_filter(None, None, "10")  # type: ignore[arg-type]


def test_sorting_values_that_do_not_compare(persistence: Store) -> None:
    persistence.create(None, {"id": "1", "rank": 1})
    persistence.create(None, {"id": "2", "rank": "one"})
    message = r"cannot sort by 'rank': the items hold values that do not compare"
    with pytest.raises(WireworkError, match=message):
        persistence.get_list_by_filter(None, None, SortParams("rank"))


# -- configuration -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0 (a whole number)"),
        (-5, "-5 (a whole number)"),
        ("abc", "'abc' (text)"),
        ("0", "'0' (text)"),
        (True, "true (a boolean)"),
        (2.5, "2.5 (a number)"),
        ("1e400", "'1e400' (text)"),
        (2**63, "9223372036854775808 (a whole number)"),
        (float("inf"), "inf (a number)"),
    ],
)
def test_invalid_max_page_size(value: Any, shown: str) -> None:
    store: Store = IdentifiableMemoryPersistence()
    message = (
        r"options.max_page_size: expected a whole number from 1 to 9,223,372,036,854,775,807, "
        rf"got {re.escape(shown)}"
    )
    with pytest.raises(ConfigError, match=message):
        store.configure(ConfigParams({"options.max_page_size": value}))


def test_max_page_size_from_a_string_is_refused_with_the_fix() -> None:
    store: Store = IdentifiableMemoryPersistence()
    with pytest.raises(ConfigError, match="a quoted number is text in YAML"):
        store.configure(ConfigParams({"options.max_page_size": "2"}))


def test_operations_before_the_first_open_fail_with_a_hint() -> None:
    store: Store = IdentifiableMemoryPersistence()
    with pytest.raises(InvalidStateError) as caught:
        store.create(None, Dummy("1"))
    assert str(caught.value) == (
        "IdentifiableMemoryPersistence: cannot create(): the persistence is not open\n"
        "  hint: call open() first (a container opens its components for you)"
    )


# -- logging -----------------------------------------------------------------------------
def test_operations_trace_to_referenced_loggers() -> None:
    tracing, quiet = Recorder(LogLevel.TRACE), Recorder(LogLevel.INFO)
    store: Store = IdentifiableMemoryPersistence()
    store.set_references(
        References.from_tuples(
            "pip-services:logger:memory:a:1.0",
            tracing,
            "pip-services:logger:memory:b:1.0",
            quiet,
        )
    )
    store.open("c1")
    store.create("c2", Dummy("7"))
    store.get_one_by_id("c3", "7")
    store.get_one_by_id("c4", "8")
    assert tracing.lines == [
        "c1:TRACE:Opened IdentifiableMemoryPersistence with 0 items",
        "c2:TRACE:Created item 7",
        "c3:TRACE:Retrieved item 7",
        "c4:TRACE:Item 8 not found",
    ]
    assert quiet.lines == []
    store.unset_references()
    store.get_one_by_id("c5", "7")
    assert len(tracing.lines) == 4


# -- concurrency -------------------------------------------------------------------------
def test_filter_may_call_back_into_the_persistence(persistence: Store) -> None:
    fill(persistence, 3)

    def nosy(item: Dummy) -> bool:
        # same-thread re-entry, including a write
        persistence.set(None, Dummy("audit-" + str(item.id)))
        return persistence.get_one_by_id(None, item.id) is not None and item.count > 1

    assert [d.id for d in persistence.get_list_by_filter(None, nosy)] == ["2", "3"]
    persistence.delete_by_filter(
        None,
        lambda d: d.id.startswith("audit-") and persistence.get_count_by_filter(None, None) > 0,
    )
    assert persistence.get_count_by_filter(None, None) == 3


def test_filter_may_wait_for_another_thread_that_writes(persistence: Store) -> None:
    fill(persistence, 2)

    def wait_for_writer(item: Dummy) -> bool:
        writer = threading.Thread(target=persistence.create, args=(None, Dummy(f"w{item.id}")))
        writer.start()
        writer.join(timeout=5)
        assert not writer.is_alive(), "the writer is blocked: the filter runs under the lock"
        return True

    persistence.get_page_by_filter(None, wait_for_writer, None)
    persistence.delete_by_filter(None, lambda d: d.id.startswith("w") and wait_for_writer(d))
    assert persistence.get_count_by_filter(None, None) >= 2


def test_concurrent_writers_lose_nothing(persistence: Store) -> None:
    def work(worker: int) -> None:
        for i in range(300):
            persistence.create(None, Dummy(f"{worker}-{i}", count=0))
            persistence.update_partially(None, f"{worker}-{i}", {"count": i})
            if i % 3 == 0:
                persistence.delete_by_id(None, f"{worker}-{i}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert persistence.get_count_by_filter(None, None) == 6 * 200
    assert persistence.get_one_by_id(None, "5-299").count == 299


def test_concurrent_creates_of_one_id_yield_one_winner(persistence: Store) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            persistence.create(None, Dummy("same", content=str(n)))
            outcomes.append("created")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 7 + ["created"]


# -- loaders and savers ------------------------------------------------------------------
def unchanged(store: Store) -> bool:
    return bool(store.get_list_by_filter(None, None) == [{"id": "1", "v": 1}])


class ListStore:
    """A loader/saver over a list; ``fail`` makes the next saves raise."""

    def __init__(self, items: list[Any] | None = None) -> None:
        self.items = list(items or [])
        self.saves = 0
        self.fail = False

    def load(self, correlation_id: str | None) -> list[Any]:
        return list(self.items)

    def save(self, correlation_id: str | None, items: Sequence[Any]) -> None:
        if self.fail:
            raise OSError("disk full")
        self.saves += 1
        self.items = list(items)


def test_open_loads_and_writes_save() -> None:
    backing = ListStore([{"id": "1", "v": 1}, {"v": 2}])
    store: Store = IdentifiableMemoryPersistence(backing, backing)
    store.open(None)
    listed = store.get_list_by_filter(None, None)
    assert listed[0] == {"id": "1", "v": 1}
    assert len(listed[1]["id"]) == 32
    store.create(None, {"id": "3"})
    assert [item["id"] for item in backing.items][::2] == ["1", "3"]
    store.close(None)
    assert backing.saves == 2


def test_loaded_duplicate_ids_are_refused() -> None:
    backing = ListStore([{"id": "1"}, {"id": "1"}])
    store: Store = IdentifiableMemoryPersistence(backing, backing)
    with pytest.raises(ConflictError, match=r"the loaded data holds id '1' more than once"):
        store.open(None)
    assert not store.is_open()


@pytest.mark.parametrize(
    ("write", "check"),
    [
        (lambda s: s.create(None, {"id": "2"}), lambda s: s.get_one_by_id(None, "2") is None),
        (lambda s: s.set(None, {"id": "1", "v": 9}), lambda s: unchanged(s)),
        (lambda s: s.update(None, {"id": "1", "v": 9}), lambda s: unchanged(s)),
        (lambda s: s.update_partially(None, "1", {"v": 9}), lambda s: unchanged(s)),
        (lambda s: s.delete_by_id(None, "1"), lambda s: unchanged(s)),
        (lambda s: s.delete_by_ids(None, ["1"]), lambda s: unchanged(s)),
        (lambda s: s.delete_by_filter(None, None), lambda s: unchanged(s)),
        (lambda s: s.clear(None), lambda s: unchanged(s)),
    ],
)
def test_a_write_whose_save_fails_is_rolled_back(
    write: Callable[[Any], Any], check: Callable[[Any], bool]
) -> None:
    backing = ListStore([{"id": "1", "v": 1}])
    store: Store = IdentifiableMemoryPersistence(backing, backing)
    store.open(None)
    backing.fail = True
    with pytest.raises(OSError, match="disk full"):
        write(store)
    assert check(store)


def test_close_that_cannot_save_leaves_the_persistence_open() -> None:
    backing = ListStore()
    store: Store = IdentifiableMemoryPersistence(backing, backing)
    store.open(None)
    backing.fail = True
    with pytest.raises(OSError, match="disk full"):
        store.close(None)
    assert store.is_open()
    backing.fail = False
    store.close(None)
    assert not store.is_open()


def test_configure_reaches_a_configurable_loader_once() -> None:
    class ConfigurableStore(ListStore):
        def __init__(self) -> None:
            super().__init__()
            self.configured: list[ConfigParams] = []

        def configure(self, config: ConfigParams) -> None:
            self.configured.append(config)

    class WithPath(MemoryPersistenceConfig):  # the loader's key, declared
        path: str

    class PathPersistence(IdentifiableMemoryPersistence[Any]):
        config_schema = WithPath

    backing = ConfigurableStore()
    store: Store = PathPersistence(backing, backing)
    store.configure(ConfigParams({"path": "x"}))
    assert backing.configured == [ConfigParams({"path": "x"})]


# -- the non-identifiable base -----------------------------------------------------------
def test_memory_persistence_without_ids() -> None:
    store: MemoryPersistence[Any] = MemoryPersistence()
    store.open(None)
    for word in ("b", "a", "c", "a"):
        store.create(None, {"word": word})
    assert store.get_count_by_filter(None, {"word": "a"}) == 2
    page = store.get_page_by_filter(None, None, PagingParams(0, 2, True), SortParams("word"))
    assert (page.data, page.total) == ([{"word": "a"}, {"word": "a"}], 4)
    store.delete_by_filter(None, {"word": "a"})
    assert store.get_list_by_filter(None, None) == [{"word": "b"}, {"word": "c"}]
    assert store.get_one_random(None, {"word": "c"}) == {"word": "c"}
    store.close(None)
    with pytest.raises(InvalidStateError, match=r"cannot create\(\)"):
        store.create(None, {"word": "z"})


def test_declarative_filters_over_mixed_item_shapes(persistence: Store) -> None:
    persistence.create(None, {"id": "d1", "key": "k"})
    persistence.create(None, Dummy("o1", "k"))
    persistence.create(None, {"id": "d2"})  # lacks the field
    persistence.create(None, Plain("p1", "k"))  # an object lacking the field
    persistence.create(None, Dummy("o2", "other"))
    for params in ({"key": "k"}, {"key": "k", "id": ["d1", "o1", "p1"]}):
        page = persistence.get_page_by_filter(None, params, PagingParams(total=True))
        assert ([item["id"] if isinstance(item, dict) else item.id for item in page.data]) == [
            "d1",
            "o1",
        ]
        assert page.total == 2


def test_subclasses_that_change_items_directly_can_save() -> None:
    class Importer(IdentifiableMemoryPersistence[Any]):
        def import_many(self, correlation_id: str | None, items: list[dict[str, Any]]) -> None:
            with self._lock:
                for item in items:
                    self._items[item["id"]] = dict(item)
            self.save(correlation_id)

    backing = ListStore()
    store = Importer(backing, backing)
    store.open(None)
    store.import_many(None, [{"id": "a"}, {"id": "b"}])
    assert backing.items == [{"id": "a"}, {"id": "b"}]
    assert backing.saves == 1
