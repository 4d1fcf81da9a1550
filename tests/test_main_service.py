"""The main job (``make run``): config/config.yml runs, beats, and stops on SIGTERM."""

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).parent.parent
BEAT = re.compile(r"heartbeat (\d+)$", re.MULTILINE)


def run_service(**env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wirework", "run"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "HEARTBEAT_MS": "50", **env},
    )


def beats_until(process: subprocess.Popen[str], count: int | None) -> list[str]:
    """Output lines up to ``heartbeat <count>`` (any beat for ``None``); killed after 30 s."""
    assert process.stdout is not None
    watchdog = threading.Timer(30, process.kill)
    watchdog.start()
    lines: list[str] = []
    try:
        for line in process.stdout:
            lines.append(line)
            beat = BEAT.search(line)
            if beat and (count is None or int(beat.group(1)) == count):
                return lines
    finally:
        watchdog.cancel()
    raise AssertionError(f"never saw heartbeat {count}:\n" + "".join(lines))


def counts(text: str) -> list[int]:
    return [int(n) for n in BEAT.findall(text)]


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    return out


def test_main_service_beats_and_stops_cleanly() -> None:
    process = run_service()
    lines = beats_until(process, 3)
    assert any("container heartbeat started" in line for line in lines)
    assert "container heartbeat stopped" in stop(process)


def test_count_survives_a_restart_on_sqlite(tmp_path: Path) -> None:
    env = {"STATE_BACKEND": "sqlite", "STATE_URI": f"sqlite:///{tmp_path / 'beats.db'}"}
    first = run_service(**env)
    seen = "".join(beats_until(first, 2)) + stop(first)
    last = counts(seen)[-1]
    second = run_service(**env)
    resumed = counts("".join(beats_until(second, None)))
    stop(second)
    assert resumed[0] == last + 1
    assert (tmp_path / "beats.db").exists()
