"""The persistence backends under test, and fixtures yielding open instances of them.

Adding a backend is one line in ``BACKENDS``: a function that builds a configured (not
yet opened) persistence from a scratch directory, the test's config and the item type.
A backend that needs a server should call ``pytest.skip`` when none is reachable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dummies import Dummy
from sql_persistences import drop_postgres_tables, postgres_backend, sqlite_backend

from wirework.config import ConfigParams
from wirework.persistence import FilePersistence, IdentifiableMemoryPersistence

BackendFactory = Callable[[Path, ConfigParams, type], Any]


def memory_backend(scratch: Path, config: ConfigParams, item_type: type) -> Any:
    persistence: IdentifiableMemoryPersistence[Any] = IdentifiableMemoryPersistence()
    persistence.configure(config)
    return persistence


def file_backend(scratch: Path, config: ConfigParams, item_type: type) -> Any:
    persistence: FilePersistence[Any] = FilePersistence(item_type=item_type)
    persistence.configure(config.set_defaults({"path": str(scratch / "items.json")}))
    return persistence


BACKENDS: dict[str, BackendFactory] = {
    "memory": memory_backend,
    "file": file_backend,
    "sqlite": sqlite_backend,
    "postgres": postgres_backend,
}

__all__ = ["drop_postgres_tables"]  # an autouse fixture: importing it here applies it


@pytest.fixture(params=list(BACKENDS))
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def make_persistence(backend: str, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """``make_persistence(config=None, item_type=Dummy)`` -> an open persistence."""
    made: list[Any] = []

    def make(config: dict[str, Any] | None = None, item_type: type = Dummy) -> Any:
        scratch = tmp_path / f"store{len(made)}"
        scratch.mkdir()
        persistence = BACKENDS[backend](scratch, ConfigParams.from_value(config or {}), item_type)
        persistence.open(None)
        made.append(persistence)
        return persistence

    yield make
    for persistence in reversed(made):
        if persistence.is_open():
            persistence.close(None)


@pytest.fixture
def persistence(make_persistence: Callable[..., Any]) -> Any:
    return make_persistence()
