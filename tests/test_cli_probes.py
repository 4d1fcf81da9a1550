"""``wirework run --health-port``: the probes of a real service process, start to stop.

Each test runs ``wirework run`` in a subprocess with ``--health-port 0`` and reads the
port from the line the command prints, then asks over HTTP as an orchestrator would.
Waiting is bounded polling for an expected answer, never a fixed sleep.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servers import PrivateRedis, free_port, private_redis

TESTS = Path(__file__).parent
ANNOUNCED = re.compile(r"^wirework: health probes on (http://\S+)$")
STORE = "pip-services:state-store:redis:default:1.0"


class Service:
    """A ``wirework run`` process, its stderr collected line by line as it comes."""

    def __init__(self, config: Path, *args: str) -> None:
        command = [sys.executable, "-m", "wirework", "run", "-c", str(config)]
        self.process = subprocess.Popen(
            [*command, "--app-dir", str(TESTS), *args],
            cwd=config.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def url(self) -> str:
        """The probes' address, from the line ``run`` prints before opening anything."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for line in self.lines:
                if found := ANNOUNCED.match(line):
                    return found.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f"no probe address announced; stderr:\n{self.stderr()}")

    def stop(self) -> int:
        """SIGTERM, then the exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.wait()

    def wait(self) -> int:
        """The exit status (within 20 s), once all of stderr is read."""
        status = self.process.wait(20)
        self._reader.join(5)
        return status

    def stderr(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def services() -> Iterator[list[Service]]:
    started: list[Service] = []
    yield started
    for service in started:
        if service.process.poll() is None:
            service.process.kill()
            service.process.wait()


def run(services: list[Service], config: Path, *args: str) -> Service:
    service = Service(config, *args)
    services.append(service)
    return service


def ask(url: str, path: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url + path, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, json.load(refused)


def until(url: str, path: str, status: int, within: float = 20.0) -> Any:
    """Ask ``path`` until it answers ``status`` (at most ``within`` s); its JSON body."""
    deadline = time.monotonic() + within
    while True:
        answered, body = ask(url, path)
        if answered == status:
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} still answers {answered} after {within} s: {body}")
        time.sleep(0.05)


def gated(tmp_path: Path, *, close_gate: Path | None = None) -> tuple[Path, Path]:
    """A config with one component that opens once the returned gate file exists (and,
    given ``close_gate``, closes once that one does)."""
    gate = tmp_path / "gate"
    config = tmp_path / "config.yml"
    config.write_text(
        f"- type: gated:Gated\n  descriptor: test:gated:default:a:1.0\n  gate: {gate}\n"
        + ("" if close_gate is None else f"  close_gate: {close_gate}\n")
    )
    return config, gate


def test_probes_answer_through_start_up_then_ready_then_stop(
    tmp_path: Path, services: list[Service]
) -> None:
    config, gate = gated(tmp_path)
    service = run(services, config, "--health-port", "0")
    url = service.url()
    port = int(url.rsplit(":", 1)[1])
    assert url == f"http://127.0.0.1:{port}"

    starting = until(url, "/readyz", 503)  # the component is still opening
    assert starting["status"] == "starting"
    assert ask(url, "/healthz")[0] == 200  # alive all along

    gate.touch()
    ready = until(url, "/readyz", 200)
    assert ready["status"] == "ready"
    assert [c["state"] for c in ready["components"]] == ["open"]
    assert ask(url, "/healthz")[0] == 200

    assert service.stop() == 0, service.stderr()
    with pytest.raises(urllib.error.URLError):
        ask(url, "/healthz")  # the port is given back


def test_while_it_stops_the_service_is_alive_but_not_ready(
    tmp_path: Path, services: list[Service]
) -> None:
    close_gate = tmp_path / "close-gate"
    config, gate = gated(tmp_path, close_gate=close_gate)
    gate.touch()
    service = run(services, config, "--health-port", "0")
    url = service.url()
    until(url, "/readyz", 200)

    service.process.send_signal(signal.SIGTERM)
    stopping = until(url, "/readyz", 503)  # the component's close waits for its gate
    assert stopping["status"] == "stopping"
    assert ask(url, "/healthz")[0] == 200

    close_gate.touch()
    assert service.wait() == 0
    with pytest.raises(urllib.error.URLError):
        ask(url, "/healthz")  # closed once the container is


def test_no_probe_server_without_the_flag(tmp_path: Path, services: list[Service]) -> None:
    config, gate = gated(tmp_path)
    gate.touch()
    service = run(services, config)
    deadline = time.monotonic() + 20
    while not any("started" in line for line in service.lines):
        assert time.monotonic() < deadline, service.stderr()
        time.sleep(0.02)
    assert service.stop() == 0
    assert not any("health probes" in line for line in service.lines)


def test_a_health_port_in_use_fails_the_start_naming_it(
    tmp_path: Path, services: list[Service]
) -> None:
    config, gate = gated(tmp_path)
    gate.touch()
    first = run(services, config, "--health-port", "0")
    port = first.url().rsplit(":", 1)[1]
    second = run(services, config, "--health-port", port)
    assert second.wait() == 1
    assert f"cannot serve the health probes on 127.0.0.1:{port}" in second.stderr()
    assert "--health-port" in second.stderr()
    assert "Traceback" not in second.stderr()
    assert first.stop() == 0


# -- the acceptance test: a Redis store's outage seen by /readyz ----------------------


def redis_config(tmp_path: Path, server: PrivateRedis) -> Path:
    config = tmp_path / "config.yml"
    config.write_text(
        f"- descriptor: {STORE}\n"
        f"  connection:\n    uri: {server.uri}\n"
        "  options:\n    connect_timeout: 500\n    key_prefix: 'probes:'\n"
    )
    return config


def test_readyz_follows_a_redis_outage_and_recovery(
    tmp_path: Path, services: list[Service]
) -> None:
    with private_redis(tmp_path) as server:
        service = run(services, redis_config(tmp_path, server), "--health-port", "0")
        url = service.url()
        until(url, "/readyz", 200)

        server.stop()
        down = until(url, "/readyz", 503)
        assert down["status"] == "unhealthy"
        (store,) = [c for c in down["components"] if STORE in c["component"]]
        assert store["state"] == "open"
        assert store["healthy"] is False
        assert f"Redis at 127.0.0.1:{server.port} is unreachable" in store["detail"]
        assert ask(url, "/healthz")[0] == 200  # not ready, still alive

        server.start()  # the same port
        back = until(url, "/readyz", 200)
        assert [c["healthy"] for c in back["components"] if STORE in c["component"]] == [True]
        assert service.stop() == 0, service.stderr()


def test_the_host_flag_is_honoured(tmp_path: Path, services: list[Service]) -> None:
    config, gate = gated(tmp_path)
    gate.touch()
    port = free_port()
    service = run(services, config, "--health-host", "127.0.0.2", "--health-port", str(port))
    assert service.url() == f"http://127.0.0.2:{port}"
    until(service.url(), "/readyz", 200)
    assert service.stop() == 0
