"""The config watcher: one callback per real change, whatever way an editor saves.

Most tests drive ``poll()`` by hand on a watcher whose thread waits an hour between
polls, so what a poll sees is exact and nothing depends on timing. The last ones run
the thread itself and wait (with a generous bound) for what it reports.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from wirework.cli._watch import ConfigWatcher

HOUR = 3600.0


class Calls:
    def __init__(self) -> None:
        self.changes = 0
        self.errors: list[BaseException] = []
        self.changed = threading.Event()
        self.failed = threading.Event()

    def on_change(self) -> None:
        self.changes += 1
        self.changed.set()

    def on_error(self, error: BaseException) -> None:
        self.errors.append(error)
        self.failed.set()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yml"
    path.write_text("- descriptor: a:b:c:d:1.0\n")
    return path


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def watcher(config: Path, calls: Calls) -> Iterator[ConfigWatcher]:
    watching = ConfigWatcher(config, calls.on_change, calls.on_error, interval=HOUR)
    yield watching
    watching.close()


def bump_mtime(path: Path, seconds: int = 10) -> None:
    """A later modification time, whatever the filesystem's time resolution."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


def polls(watcher: ConfigWatcher, times: int) -> None:
    for _ in range(times):
        watcher.poll()


def test_a_change_is_reported_once_it_has_settled_and_only_once(
    config: Path, calls: Calls, watcher: ConfigWatcher
) -> None:
    config.write_text("- descriptor: a:b:c:e:1.0\n")
    bump_mtime(config)
    watcher.poll()
    assert calls.changes == 0  # seen changing: it may still be half written
    polls(watcher, 5)
    assert calls.changes == 1


def test_a_touch_that_leaves_the_bytes_alone_is_ignored(
    config: Path, calls: Calls, watcher: ConfigWatcher
) -> None:
    bump_mtime(config)
    polls(watcher, 5)
    assert calls.changes == 0


def test_a_file_seen_half_written_is_reported_once_for_its_final_content(
    config: Path, calls: Calls, watcher: ConfigWatcher
) -> None:
    with config.open("w") as file:
        file.write("- descriptor: a:b")
        file.flush()
        bump_mtime(config)
        watcher.poll()
        file.write(":c:e:1.0\n")
    bump_mtime(config, 20)
    watcher.poll()
    assert calls.changes == 0
    polls(watcher, 3)
    assert calls.changes == 1


def test_a_file_replaced_by_a_rename_is_reported(
    config: Path, calls: Calls, watcher: ConfigWatcher, tmp_path: Path
) -> None:
    saved = tmp_path / ".config.yml.swp"
    saved.write_text("- descriptor: a:b:c:f:1.0\n")
    os.replace(saved, config)
    polls(watcher, 3)
    assert calls.changes == 1


def test_a_file_missing_for_a_while_is_waited_out_and_no_change_if_it_returns_alike(
    config: Path, calls: Calls, watcher: ConfigWatcher
) -> None:
    text = config.read_text()
    config.unlink()
    polls(watcher, 5)
    config.write_text(text)
    bump_mtime(config)
    polls(watcher, 5)
    assert calls.changes == 0
    assert calls.errors == []


def test_a_file_that_returns_with_new_content_is_reported(
    config: Path, calls: Calls, watcher: ConfigWatcher
) -> None:
    config.unlink()
    polls(watcher, 3)
    config.write_text("- descriptor: a:b:c:g:1.0\n")
    polls(watcher, 3)
    assert calls.changes == 1


def test_the_thread_reports_each_change_and_survives_a_callback_that_raises(
    config: Path,
) -> None:
    calls = Calls()
    raised = ValueError("the callback failed")

    def on_change() -> None:
        calls.on_change()
        if calls.changes == 1:
            raise raised

    watching = ConfigWatcher(config, on_change, calls.on_error, interval=0.01)
    try:
        config.write_text("- descriptor: a:b:c:h:1.0\n")
        bump_mtime(config)
        assert calls.failed.wait(10)
        assert calls.errors == [raised]
        calls.changed.clear()
        config.write_text("- descriptor: a:b:c:i:1.0\n")
        bump_mtime(config, 20)
        assert calls.changed.wait(10)  # the thread went on after the error
        assert calls.changes == 2
    finally:
        watching.close()
    assert not watching._thread.is_alive()


def test_a_reporter_that_raises_too_is_written_to_stderr_masked(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = threading.Event()

    def on_change() -> None:
        changed.set()
        raise ValueError("cannot reach redis://app:hunter2@cache:6379/0")

    def on_error(error: BaseException) -> None:
        raise RuntimeError("no logger")

    watching = ConfigWatcher(config, on_change, on_error, interval=0.01)
    try:
        config.write_text("- descriptor: a:b:c:j:1.0\n")
        bump_mtime(config)
        assert changed.wait(10)
    finally:
        watching.close()
    err = capsys.readouterr().err
    assert "ValueError: cannot reach redis://app:" in err
    assert "hunter2" not in err
    assert "reporting it failed: RuntimeError: no logger" in err
