"""Where the real servers are for backend tests, and what to do when one is missing.

A missing server skips the test with the reason on a developer's machine; under CI
(``WIREWORK_REQUIRE_SERVERS=1``, set by ``.ci/run``) it fails instead, so a green CI
run proves every backend against a real server.

A test that stops and starts its server runs a private one (:class:`PrivateRedis`)
from the machine's binary, on a free loopback port, stopped by its process id.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest

REDIS_URI = os.environ.get("WIREWORK_TEST_REDIS_URI", "redis://127.0.0.1:6379/0")
POSTGRES_URI = os.environ.get(
    "WIREWORK_TEST_POSTGRES_URI", "postgresql://postgres@127.0.0.1:5432/test"
)


def unavailable(what: str, reason: str) -> NoReturn:
    if os.environ.get("WIREWORK_REQUIRE_SERVERS"):
        pytest.fail(f"{what} is required (WIREWORK_REQUIRE_SERVERS is set) but {reason}")
    pytest.skip(f"{what} not reachable: {reason}")


def require(uri: str, what: str) -> str:
    """``uri`` when its server accepts a TCP connection, else skip (or fail under CI)."""
    parts = urlsplit(uri)
    address = (parts.hostname or "127.0.0.1", parts.port or 0)
    try:
        with socket.create_connection(address, timeout=1.0):
            return uri
    except OSError as exc:
        unavailable(what, f"{address[0]}:{address[1]}: {exc.strerror or exc}")


# -- a private redis-server, for tests that stop and restart it ---------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PrivateRedis:
    """A ``redis-server`` on a free port that a test may stop and start again.

    No persistence (``--save ""``, no AOF): a restart comes back empty, as after a
    crash of a cache, which also drops the loaded scripts (NOSCRIPT afterwards).
    """

    def __init__(self, workdir: Path, *args: str) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            unavailable("redis-server", "it is not installed (apt-get install redis-server)")
        self.executable = executable
        self.workdir = workdir
        self.args = args
        self.port = free_port()
        self.uri = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir), *self.args]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self._process.poll() is not None:
                    raise RuntimeError(
                        f"redis-server exited with {self._process.returncode}"
                    ) from None
                time.sleep(0.02)
        raise RuntimeError(f"redis-server did not listen on port {self.port} within 10 s")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): it accepts bytes on open sockets but answers nothing."""
        assert self._process is not None, "the server is not running"
        self._process.send_signal(signal.SIGSTOP)

    def kill(self) -> None:
        """End the server at once (SIGKILL, which also ends a paused one), as a crash would."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()

    def client(self, **options: Any) -> Any:
        import redis

        return redis.Redis(port=self.port, **options)


@contextmanager
def private_redis(workdir: Path, *args: str) -> Iterator[PrivateRedis]:
    server = PrivateRedis(workdir, *args)
    server.start()
    try:
        yield server
    finally:
        server.stop()
