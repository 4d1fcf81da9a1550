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
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
SLOW = 60.0  # an open or close that would outlast any test: it must be cut short


def sleeper(name: str, journal: Path, *, open_seconds: float = 0, close_seconds: float = 0) -> str:
    return (
        f"- type: faults:Sleeper\n  descriptor: test:sleeper:default:{name}:1.0\n"
        f"  id: {name}\n  journal: {journal}\n"
        f"  open_seconds: {open_seconds}\n  close_seconds: {close_seconds}\n"
    )


def start(tmp_path: Path, *entries: str) -> subprocess.Popen[str]:
    config = tmp_path / "config.yml"
    config.write_text("".join(entries))
    return subprocess.Popen(
        [sys.executable, "-m", "wirework", "run", "-c", str(config), "--app-dir", str(TESTS)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


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


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_signal_during_startup_stops_it_and_rolls_back(
    tmp_path: Path, signum: signal.Signals
) -> None:
    journal = tmp_path / "journal"
    process = start(
        tmp_path,
        sleeper("a", journal),
        sleeper("b", journal),
        sleeper("c", journal, open_seconds=SLOW),
        sleeper("d", journal),
    )
    wait_for_line(journal, "opening c", process)
    sent = time.monotonic()
    process.send_signal(signum)
    _out, err = process.communicate(timeout=30)
    elapsed = time.monotonic() - sent
    assert elapsed < 10, f"took {elapsed:.1f} s to stop"  # c alone would take 60 s
    assert process.returncode == 128 + signum
    assert journal.read_text().splitlines() == [
        "opening a",
        "opened a",
        "opening b",
        "opened b",
        "opening c",  # interrupted: never opened, so never closed; d never started
        "closing b",
        "closed b",
        "closing a",
        "closed a",
    ]
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert f"start-up interrupted by {signum.name}" in lines[0]
    assert "during open of test:sleeper:default:c:1.0" in lines[0]
    assert "Traceback" not in err


def test_a_second_signal_exits_at_once_naming_what_is_left_open(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    process = start(
        tmp_path,
        sleeper("a", journal, close_seconds=SLOW),
        sleeper("b", journal),
        sleeper("c", journal, open_seconds=SLOW),
    )
    wait_for_line(journal, "opening c", process)
    process.send_signal(signal.SIGTERM)
    wait_for_line(journal, "closing a", process)
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=30)
    assert time.monotonic() - sent < 10
    assert process.returncode == 1
    assert journal.read_text().splitlines()[-3:] == ["closing b", "closed b", "closing a"]
    assert "left unclosed: test:sleeper:default:a:1.0" in err
    assert "test:sleeper:default:b:1.0" not in err.split("left unclosed:")[1]
