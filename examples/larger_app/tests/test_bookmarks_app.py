"""The bookmarks app, end to end, on every config: the same tests for each backend.

Uses the ``wirework_container`` / ``wirework`` fixtures (plugin ``wirework.testing``):
they build the container with any overrides in place, open it, wire the app modules,
and undo it all after each test, failed or not.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from bookmarks import handlers, main, service
from bookmarks.deps import STATE

from wirework.container import Container
from wirework.di import bridge
from wirework.state import MemoryStateStore
from wirework.testing import ContainerFactory

CONFIG = Path(__file__).resolve().parent.parent / "config"
APP = ["bookmarks.service", "bookmarks.handlers"]


@pytest.fixture(params=["memory.yml", "sqlite.yml"])
def config(request: pytest.FixtureRequest) -> Path:
    return CONFIG / str(request.param)


@pytest.fixture
def app(wirework_container: ContainerFactory, config: Path, tmp_path: Path) -> Container:
    return wirework_container(
        config, {"DB_PATH": str(tmp_path / "bookmarks.sqlite"), "PAGE_SIZE": 3}, wire=APP
    )


def post(path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    return handlers.handle("POST", path, body)


def get(path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    return handlers.handle("GET", path, body)


def test_add_and_read_back(app: Container) -> None:
    status, created = post("/bookmarks", {"owner": "ada", "url": "https://wirework.dev"})
    assert status == 201
    assert created["title"] == "wirework.dev"
    assert get(f"/bookmarks/{created['id']}") == (200, created)
    again = post("/bookmarks", {"owner": "ada", "url": " https://wirework.dev "})
    assert again == (201, created)  # same URL for the same owner: the first bookmark


def test_refusals_are_client_errors(app: Container) -> None:
    assert post("/bookmarks", {"owner": "ada", "url": "ftp://x"}) == (
        400,
        {"error": "not an http(s) URL: 'ftp://x'"},
    )
    assert post("/bookmarks", {"url": "https://x.org"}) == (
        400,
        {"error": "a bookmark needs an owner"},
    )
    assert get("/bookmarks/nope") == (404, {"error": "no bookmark 'nope'"})
    assert post("/bookmarks/nope/visit") == (404, {"error": "no bookmark 'nope'"})
    assert get("/nowhere") == (404, {"error": "no route for GET /nowhere"})


def test_visits_are_counted_without_losing_any(app: Container) -> None:
    _, item = post("/bookmarks", {"owner": "ada", "url": "https://python.org"})
    threads = [
        threading.Thread(target=lambda: [service.visit(item["id"]) for _ in range(25)])
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert post(f"/bookmarks/{item['id']}/visit") == (200, {"visits": 101})
    assert get("/users/ada/stats") == (
        200,
        {"bookmarks": 1, "visits": 101, "last_added": item["id"]},
    )


def test_page_size_comes_from_the_persistence_config(app: Container) -> None:
    for n in range(5):
        post("/bookmarks", {"owner": "bob", "url": f"https://example.org/{n}"})
    status, first = get("/users/bob/bookmarks", {"take": 100})
    assert status == 200
    assert first["page_size"] == 3  # PAGE_SIZE=3 -> options.max_page_size
    assert first["total"] == 5
    assert [b["url"] for b in first["data"]] == [f"https://example.org/{n}" for n in range(3)]
    _, rest = get("/users/bob/bookmarks", {"skip": 3})
    assert [b["url"] for b in rest["data"]] == ["https://example.org/3", "https://example.org/4"]


def test_health_reports_both_backends(app: Container) -> None:
    assert get("/health") == (200, {"bookmarks": True, "state": True})


def test_a_swapped_state_store_is_used(
    wirework_container: ContainerFactory, config: Path, tmp_path: Path
) -> None:
    seeded = MemoryStateStore()
    seeded.open(None)
    seeded.save(None, "last-added:ada", "seeded")
    container = wirework_container(
        config,
        {"DB_PATH": str(tmp_path / "b.sqlite")},
        overrides={"*:state-store:*:*:1.0": seeded},
        wire=APP,
    )
    assert get("/users/ada/stats")[1]["last_added"] == "seeded"
    _, item = post("/bookmarks", {"owner": "ada", "url": "https://pypi.org"})
    assert seeded.load(None, "last-added:ada") == item["id"]
    # built in its place: the configured store was never created
    assert container.references.get_optional("*:state-store:*:*:*") == [seeded]
    assert bridge(container).entry(STATE.pattern).component is seeded


@pytest.mark.wirework("../config/memory.yml", wire=APP)
def test_marker_form(wirework: Container) -> None:
    assert wirework.info.name == "bookmarks"
    assert get("/health")[0] == 200


def test_main_runs_the_demo_and_unwires(capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main([str(CONFIG / "memory.yml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    responses = [(int(line.split()[2]), json.loads(line.split(maxsplit=3)[3])) for line in lines]
    assert [status for status, _ in responses] == [201, 201, 400, 200, 200, 200, 200, 200]
    first = responses[0][1]["id"]
    assert responses[-2] == (
        200,
        {"bookmarks": 2, "last_added": responses[1][1]["id"], "visits": 2},
    )
    assert responses[4] == (200, {"visits": 2})
    assert first in lines[3]
    # running() unwired the app on exit: the functions hold their markers again
    with pytest.raises(AttributeError, match="'Provide' object has no attribute"):
        service.stats("ada")


def test_main_reports_config_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("- descriptor: bookmarks:persistence:memory:default\n", encoding="utf-8")
    assert main.main([str(broken)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("bookmarks: ")
    assert "descriptor 'bookmarks:persistence:memory:default' is malformed" in error
