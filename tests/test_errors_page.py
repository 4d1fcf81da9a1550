"""``docs/errors.md`` shows what the code prints: each class's example message is the
message of a small scenario here, compared whole, and every public error class has its
section."""

from __future__ import annotations

import re
import sqlite3
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import wirework.errors
from wirework import (
    ConfigParams,
    ConsoleLogger,
    Container,
    FilePersistence,
    IdentifiableMemoryPersistence,
    IdentifiableSqlitePersistence,
    IStateStore,
    MemoryEntityStore,
    MemoryStateStore,
    References,
    SqliteStateStore,
)
from wirework.build import load_type
from wirework.container import BuildError
from wirework.errors import InvalidStateError
from wirework.sql import DuplicateKeyError, SqliteEngine

PAGE = Path(__file__).parents[1] / "docs" / "errors.md"
CLASSES = {
    **{name: getattr(wirework.errors, name) for name in wirework.errors.__all__},
    "BuildError": BuildError,
    "DuplicateKeyError": DuplicateKeyError,
}

Scenario = Callable[[Path], object]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    def register(run: Scenario) -> Scenario:
        SCENARIOS[name] = run
        return run

    return register


def config(directory: Path, text: str) -> str:
    (directory / "service.yml").write_text(textwrap.dedent(text).lstrip())
    return "service.yml"


def opened_store() -> MemoryStateStore:
    store = MemoryStateStore()
    store.open(None)
    return store


@scenario("WireworkError")
def _item_types(directory: Path) -> object:
    return FilePersistence(path="items.json", item_types=[5])


@scenario("ConfigError")
def _malformed_descriptor(directory: Path) -> object:
    return Container.from_file(config(directory, "- descriptor: pip-services:state-store:memory"))


@scenario("ConfigProblems")
def _two_bad_keys(directory: Path) -> object:
    options = {"options.timeout": "1.9", "options.tmeout": 5}
    return MemoryStateStore().configure(ConfigParams(options))


@scenario("BuildError")
def _build(directory: Path) -> object:
    path = config(
        directory,
        """
        - descriptor: pip-services:state-store:memry:default:1.0
        - descriptor: pip-services:logger:console:default:1.0
          level: loud
        """,
    )
    return Container.from_file(path).check()


@scenario("MissingReferenceError")
def _missing(directory: Path) -> object:
    refs = References.from_tuples("pip-services:state-store:memory:default:1.0", opened_store())
    return refs.get_one_required("pip-services:state-store:memry:default:1.0")


@scenario("ReferenceTypeError")
def _wrong_type(directory: Path) -> object:
    refs = References.from_tuples("pip-services:logger:console:default:1.0", ConsoleLogger())
    return refs.get_one_required("*:logger:*:*:1.0", as_=IStateStore)


@scenario("CreateError")
def _unknown_module(directory: Path) -> object:
    return load_type("myapp.nothing:Thing")


class Broken:
    """Fails to open, as a component whose disk is full would."""

    def open(self, correlation_id: str | None) -> None:
        raise RuntimeError("disk full")

    def close(self, correlation_id: str | None) -> None:
        pass

    def is_open(self) -> bool:
        return False


@scenario("LifecycleError")
def _failed_open(directory: Path) -> object:
    path = config(
        directory,
        f"""
        - descriptor: pip-services:state-store:memory:default:1.0
        - descriptor: myapp:worker:default:default:1.0
          type: {__name__}:Broken
        """,
    )
    return Container.from_file(path).open()


@scenario("CycleError")
def _cycle(directory: Path) -> object:
    path = config(
        directory,
        f"""
        - descriptor: myapp:a:default:default:1.0
          type: {__name__}:Broken
          dependencies: {{b: myapp:b:*:*:1.0}}
        - descriptor: myapp:b:default:default:1.0
          type: {__name__}:Broken
          dependencies: {{a: myapp:a:*:*:1.0}}
        """,
    )
    try:
        return Container.from_file(path).check()
    except BuildError as error:
        [problem] = error.problems
        raise problem from None


@scenario("InvalidStateError")
def _not_open(directory: Path) -> object:
    return MemoryStateStore().load(None, "k")


@scenario("BackendError")
def _unopenable(directory: Path) -> object:
    (directory / "data").mkdir()  # a directory where the database file should be
    store = SqliteStateStore()
    store.configure(ConfigParams({"connection.uri": "sqlite:///data", "options.retries": 0}))
    return store.open(None)


@scenario("ConflictError")
def _same_id(directory: Path) -> object:
    persistence: IdentifiableMemoryPersistence[dict[str, str]] = IdentifiableMemoryPersistence()
    persistence.open(None)
    persistence.create(None, {"id": "1"})
    return persistence.create(None, {"id": "1"})


@scenario("ConcurrencyError")
def _stale_version(directory: Path) -> object:
    store = opened_store()
    store.save(None, "cart", {"items": 1})
    _, seen = store.load_versioned(None, "cart")
    store.delete(None, "cart")
    store.save(None, "cart", {"items": 0}, expected_version=0)
    return store.save(None, "cart", {"items": 2}, expected_version=seen)


@scenario("DuplicateKeyError")
def _stored_key(directory: Path) -> object:
    engine = SqliteEngine.from_config(
        ConfigParams({"connection.database": "keys.db"}),
        "Keys",
        lambda operation: InvalidStateError(f"closed before {operation}()"),
    )
    engine.open()
    try:
        engine.ensure_schema(['CREATE TABLE IF NOT EXISTS "keys" (k TEXT PRIMARY KEY)'], "keys")
        engine.count("create", 'INSERT INTO "keys" (k) VALUES (?)', ("a",))
        return engine.count("create", 'INSERT INTO "keys" (k) VALUES (?)', ("a",))
    finally:
        engine.close()


@scenario("InvalidKeyError")
def _nul_in_key(directory: Path) -> object:
    return opened_store().save(None, "a\x00b", 1)


@scenario("InvalidArgumentError")
def _negative_ttl(directory: Path) -> object:
    return opened_store().save(None, "k", 1, ttl=-1)


@scenario("UnstorableValueError")
def _a_set(directory: Path) -> object:
    return opened_store().save(None, "k", {1, 2})


@scenario("UnknownEntityError")
def _no_entity(directory: Path) -> object:
    with MemoryEntityStore() as store:
        return store.set_context("nobody", {"step": 1})


@scenario("UnreadableItemError")
def _damaged_row(directory: Path) -> object:
    items: IdentifiableSqlitePersistence[dict[str, str]] = IdentifiableSqlitePersistence("items")
    items.configure(ConfigParams({"connection.uri": "sqlite:///items.db"}))
    items.open(None)
    try:
        items.create(None, {"id": "1", "name": "lamp"})
        with sqlite3.connect("items.db") as db:
            db.execute("""UPDATE items SET doc = '{"id": "1", "name": ' WHERE id = '1'""")
        return items.get_one_by_id(None, "1")
    finally:
        items.close(None)


def examples() -> dict[str, str]:
    """Each section's class name -> the first ``text`` block under its heading."""
    sections = re.split(r"^## `(\w+)`\n", PAGE.read_text(encoding="utf-8"), flags=re.M)[1:]
    found = {}
    for name, body in zip(sections[::2], sections[1::2], strict=True):
        block = re.search(r"^```text\n(.*?)^```$", body, flags=re.M | re.S)
        assert block, f"section {name} has no ```text example"
        found[name] = block.group(1).rstrip("\n")
    return found


def test_every_public_error_class_has_a_section_and_a_scenario() -> None:
    errors = {name for name, cls in CLASSES.items() if isinstance(cls, type)}
    assert set(examples()) == errors
    assert set(SCENARIOS) == errors


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_page_shows_what_the_code_prints(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CLASSES[name]) as info:
        SCENARIOS[name](tmp_path)
    assert type(info.value) is CLASSES[name]
    assert str(info.value) == examples()[name]


def test_the_page_orders_subclasses_after_their_base() -> None:
    order = list(examples())
    for name, cls in CLASSES.items():
        for base in cls.__mro__[1:]:
            if base.__name__ in order:
                assert order.index(base.__name__) < order.index(name), (name, base.__name__)
