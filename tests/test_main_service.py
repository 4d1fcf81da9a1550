"""The main job (``make run``): config/config.yml runs, beats, and stops on SIGTERM."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def run_service(**env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wirework", "run"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "HEARTBEAT_MS": "50", **env},
    )


def beats_until(process: subprocess.Popen[str], count: int) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        if f"heartbeat {count}\n" in line:
            return lines
    raise AssertionError("service ended early:\n" + "".join(lines))


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
    pytest.importorskip("wirework.state.sqlite")
    env = {"STATE_BACKEND": "sqlite", "WIREWORK_SQLITE_PATH": str(tmp_path / "beats.db")}
    first = run_service(**env)
    beats_until(first, 2)
    stop(first)
    second = run_service(**env)
    lines = beats_until(second, 3)
    stop(second)
    assert not any("heartbeat 1\n" in line for line in lines)
