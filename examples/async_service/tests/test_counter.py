"""The counter example as its users run it: ``wirework run``, TCP, SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from processes import Started

HERE = Path(__file__).parents[1]
SEEN: dict[int, list[str]] = {}  # each process's output lines up to its listening line
STARTED = Started()


@pytest.fixture(autouse=True)
def _nothing_left_running() -> Iterator[None]:
    yield
    STARTED.stop_all()


def start(tmp_path: Path, *options: str, **env: str) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "wirework", "run", "-c", str(HERE / "config.yml"), *options],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "WIREWORK_NO_CACHE": "1", **env},
    )
    STARTED.track(process)
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    seen = SEEN[process.pid] = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        if found := re.search(r"counter: listening on 127\.0\.0\.1:(\d+)", line):
            return process, int(found.group(1))
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError("the service never listened:\n" + "".join(seen))


def ask(port: int, *names: str) -> list[str]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall("".join(f"{name}\n" for name in names).encode())
        connection.shutdown(socket.SHUT_WR)
        return connection.makefile(encoding="utf-8").read().splitlines()


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0, out
    return out


def test_it_counts_over_tcp_and_stops_cleanly(tmp_path: Path) -> None:
    process, port = start(tmp_path)
    assert ask(port, "ada", "ada", "grace") == ["ada 1", "ada 2", "grace 1"]
    assert ask(port, "ada") == ["ada 3"]
    out = stop(process)
    assert "container counter stopped" in out
    with pytest.raises(ConnectionRefusedError):  # the server closed with the container
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_on_sqlite_the_counts_survive_a_restart(tmp_path: Path) -> None:
    env = {"STATE_BACKEND": "sqlite", "STATE_URI": f"sqlite:///{tmp_path / 'counts.db'}"}
    process, port = start(tmp_path, **env)
    assert ask(port, "ada", "ada") == ["ada 1", "ada 2"]
    stop(process)
    process, port = start(tmp_path, **env)
    assert ask(port, "ada") == ["ada 3"]
    stop(process)


def test_its_probes_say_ready_with_the_servers_own_check(tmp_path: Path) -> None:
    process, _ = start(tmp_path, "--health-port", "0")
    try:
        url = probes_url(process)
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{url}/readyz", timeout=5) as answer:
                    report = json.load(answer)
                    break
            except urllib.error.HTTPError:  # 503 until ready
                assert time.monotonic() < deadline, "never ready"
                time.sleep(0.05)
        server = next(c for c in report["components"] if c["component"].startswith("counter:"))
        assert server["state"] == "open"
        assert server["healthy"] is True  # its async check_health connected to its port
    finally:
        stop(process)


def probes_url(process: subprocess.Popen[str]) -> str:
    """The probes' address: the line ``wirework run`` printed before the first open."""
    assert process.stdout is not None
    for line in SEEN[process.pid]:
        if found := re.search(r"health probes on (http://\S+)", line):
            return found.group(1)
    raise AssertionError("no probes line in:\n" + "".join(SEEN[process.pid]))
