"""``wirework run`` and signals during start-up, in a real subprocess.

The components open slowly and write each step to a journal file, so the test sees
exactly what opened and closed, and how long the process took to go.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from processes import Started

TESTS = Path(__file__).parent
SLOW = 60.0  # an open or close that would outlast any test: it must be cut short


def sleeper(
    name: str,
    journal: Path,
    *,
    open_seconds: float = 0,
    close_seconds: float = 0,
    after: str | None = None,
    extra: str = "",
) -> str:
    """An entry of a slow component; ``after`` names the one it must open after."""
    needs = f"  dependencies:\n    after: test:sleeper:default:{after}:1.0\n" if after else ""
    return (
        f"- type: faults:Sleeper\n  descriptor: test:sleeper:default:{name}:1.0\n"
        f"  id: {name}\n  journal: {journal}\n"
        f"  open_seconds: {open_seconds}\n  close_seconds: {close_seconds}\n{needs}{extra}"
    )


STARTED = Started()


@pytest.fixture(autouse=True)
def _nothing_left_running() -> Iterator[None]:
    yield
    STARTED.stop_all()


def start(tmp_path: Path, *entries: str, options: tuple[str, ...] = ()) -> subprocess.Popen[str]:
    config = tmp_path / "config.yml"
    config.write_text("".join(entries))
    process = subprocess.Popen(
        [
            sys.executable,
            *("-m", "wirework", "run", "-c", str(config), "--app-dir", str(TESTS), *options),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    STARTED.track(process)
    return process


def wait_for_line(journal: Path, line: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if journal.exists() and line in journal.read_text().splitlines():
            return
        if process.poll() is not None:
            break
        time.sleep(0.02)
    process.kill()
    out, err = process.communicate()
    raise AssertionError(f"never saw {line!r} in the journal; stdout:\n{out}\nstderr:\n{err}")


def events(journal: Path) -> list[str]:
    return journal.read_text().splitlines()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_signal_during_parallel_start_stops_it_and_rolls_back(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """a, b and d open at once beside c, which would take a minute; e waits for c."""
    journal = tmp_path / "journal"
    process = start(
        tmp_path,
        sleeper("a", journal),
        sleeper("b", journal),
        sleeper("c", journal, open_seconds=SLOW),
        sleeper("d", journal),
        sleeper("e", journal, after="c"),
    )
    for name in "abd":
        wait_for_line(journal, f"opened {name}", process)
    wait_for_line(journal, "opening c", process)
    sent = time.monotonic()
    process.send_signal(signum)
    _out, err = process.communicate(timeout=30)
    elapsed = time.monotonic() - sent
    assert elapsed < 10, f"took {elapsed:.1f} s to stop"  # c alone would take 60 s
    assert process.returncode == 128 + signum
    seen = events(journal)
    opened = [e.split()[1] for e in seen if e.startswith("opened ")]
    closed = [e.split()[1] for e in seen if e.startswith("closed ")]
    assert sorted(opened) == ["a", "b", "d"]
    # Each close follows the one before it (in-process tests check the exact reverse
    # of the completions, which a journal written from three threads cannot show).
    assert sorted(closed) == ["a", "b", "d"]
    assert "opening e" not in seen, "e needs c, which never opened"
    assert "closing c" not in seen, "c never opened, so it is not closed"
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert f"start-up interrupted by {signum.name}" in lines[0]
    assert (
        "left opening (each is closed if its open returns): test:sleeper:default:c:1.0"
        in (lines[0])
    )
    assert "Traceback" not in err


def test_one_at_a_time_a_signal_stops_the_opens_that_follow(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    process = start(
        tmp_path,
        sleeper("a", journal),
        sleeper("b", journal, open_seconds=SLOW),
        sleeper("c", journal),
        options=("--parallel", "1"),
    )
    wait_for_line(journal, "opening b", process)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM
    assert events(journal) == ["opening a", "opened a", "opening b", "closing a", "closed a"]


def test_a_second_signal_exits_at_once_naming_what_is_left_open(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    process = start(
        tmp_path,
        sleeper("a", journal, close_seconds=SLOW),
        sleeper("b", journal, after="a"),
        sleeper("c", journal, open_seconds=SLOW, after="b"),
    )
    wait_for_line(journal, "opening c", process)
    process.send_signal(signal.SIGTERM)
    wait_for_line(journal, "closing a", process)
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=30)
    assert time.monotonic() - sent < 10
    assert process.returncode == 1
    assert events(journal)[-3:] == ["closing b", "closed b", "closing a"]
    assert "left unclosed: test:sleeper:default:a:1.0" in err
    assert "test:sleeper:default:b:1.0" not in err.split("left unclosed:")[1]


def test_the_shutdown_budget_bounds_the_whole_stop(tmp_path: Path) -> None:
    """b's close hangs past the budget: b is abandoned, a (after it) never gets its
    turn, both are named, and the process goes within the budget."""
    journal = tmp_path / "journal"
    process = start(
        tmp_path,
        sleeper("a", journal),
        sleeper("b", journal, close_seconds=SLOW, after="a"),
        options=("--shutdown-timeout", "1"),
    )
    wait_for_line(journal, "opened b", process)
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=30)
    elapsed = time.monotonic() - sent
    assert elapsed < 5, f"took {elapsed:.1f} s to stop with a 1 s budget"
    assert process.returncode == 1
    assert events(journal)[-1] == "closing b"
    assert "test:sleeper:default:b:1.0" in err
    assert "still running when the time budget ran out; abandoned" in err
    assert "not closed: the shutdown budget of 1 s ran out before its turn" in err
    assert "test:sleeper:default:a:1.0" in err


def test_a_close_timeout_on_one_entry_bounds_only_that_close(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    process = start(
        tmp_path,
        sleeper("a", journal, close_seconds=0.3),
        sleeper("b", journal, close_seconds=SLOW, after="a", extra="  close_timeout: 500\n"),
    )
    wait_for_line(journal, "opened b", process)
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert events(journal)[-3:] == ["closing b", "closing a", "closed a"]
    assert "close timed out after 0.5 s" in err
    assert "test:sleeper:default:b:1.0" in err
