"""``wirework run --watch`` and SIGHUP, in a real subprocess.

The service's parts (``tests/reloadable.py``) journal every open and close to a file,
and its output goes to files, so a test sees what each reload did while the process
keeps running; each wait is bounded and polls, none is a fixed sleep.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from test_reload import part

TESTS = Path(__file__).parent
LOGGER = "pip-services:logger:console:default:1.0"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="SIGHUP is POSIX only")


class Service:
    """``wirework run`` of ``config.yml`` in ``directory``; stdout and stderr to files."""

    def __init__(self, directory: Path, *options: str) -> None:
        self.config = directory / "config.yml"
        self.journal = directory / "journal"
        self.out, self.err = directory / "stdout", directory / "stderr"
        self.options = options
        self.process: subprocess.Popen[bytes] | None = None

    def write(self, *entries: str) -> None:
        """Replace the config as an editor does: a new file renamed over the old one."""
        saved = self.config.with_name(".config.yml.new")
        saved.write_text("".join(entries).replace("JOURNAL", str(self.journal)))
        os.replace(saved, self.config)

    def start(self) -> None:
        command = [sys.executable, "-m", "wirework", "run", "-c", str(self.config)]
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.process = subprocess.Popen(
                [*command, "--app-dir", str(TESTS), *self.options],
                cwd=self.config.parent,
                stdout=out,
                stderr=err,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )

    def output(self) -> str:
        return self.out.read_text() + self.err.read_text()

    def steps(self) -> list[str]:
        """Opens and closes so far (a reload's trial configures parts it never opens)."""
        lines = self.journal.read_text().splitlines() if self.journal.exists() else []
        return [line for line in lines if not line.startswith("configure")]

    def wait_for(self, what: str, seen: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if seen():
                return
            assert self.process is not None
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"never saw {what}; output:\n{self.output()}\nsteps: {self.steps()}")

    def wait_for_output(self, text: str, count: int = 1) -> None:
        self.wait_for(repr(text), lambda: self.output().count(text) >= count)

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Callable[..., Service]]:
    started: list[Service] = []

    def make(*options: str) -> Service:
        started.append(Service(tmp_path, *options))
        return started[-1]

    yield make
    for each in started:
        if each.process is not None and each.process.poll() is None:
            each.process.kill()
            each.process.wait()


def logger(level: str) -> str:
    return f"- descriptor: {LOGGER}\n  level: {level}\n"


def memory(name: str) -> str:
    return f"- descriptor: pip-services:state-store:memory:{name}:1.0\n"


def test_watch_reloads_each_saved_change_and_refuses_a_broken_file(
    service: Callable[..., Service],
) -> None:
    running = service("--watch")
    parts = [part("a", journal="JOURNAL"), part("b", journal="JOURNAL", needs=["a"])]
    running.write(logger("info"), memory("kept"), *parts)
    running.start()
    running.wait_for_output("started")
    # A new level is configured in place: the store added in the same save logs its
    # open at debug, which only the new level lets through; nothing restarts.
    running.write(logger("debug"), memory("kept"), *parts, memory("added"))
    running.wait_for_output("reloaded: reconfigured pip-services:logger:console:default:1.0")
    assert "Opened memory state store" in running.output()
    assert "added pip-services:state-store:memory:added:1.0" in running.output()
    assert running.steps() == ["open a", "open b"]
    # A plain option: the part and its dependent restart, in order; a removed entry closes.
    running.write(logger("debug"), memory("kept"), part("a", 2, journal="JOURNAL"), parts[1])
    running.wait_for_output("removed pip-services:state-store:memory:added:1.0")
    assert running.steps()[2:] == ["close b", "close a", "open a", "open b"]
    # A broken file is refused, naming its line; the service runs on.
    running.write(logger("debug"), "- descriptor: pip-services:logger:consol:default:1.0\n")
    running.wait_for_output("reload failed")
    assert f"{running.config}:3" in running.output()
    assert "the reload changed nothing" in running.output()
    assert running.process is not None
    assert running.process.poll() is None
    assert running.stop() == 0
    assert running.steps()[6:] == ["close b", "close a"]


def test_sighup_reloads_without_watch(service: Callable[..., Service]) -> None:
    running = service()
    running.write(logger("info"), part("a", journal="JOURNAL"))
    running.start()
    running.wait_for_output("started")
    running.write(logger("info"), part("a", 2, journal="JOURNAL"))
    assert running.process is not None
    running.process.send_signal(signal.SIGHUP)
    running.wait_for_output("reloaded: restarted test:part:default:a:1.0")
    assert running.steps() == ["open a", "close a", "open a"]
    assert running.stop() == 0


def test_without_a_logger_reloads_are_reported_on_stderr_with_secrets_masked(
    service: Callable[..., Service],
) -> None:
    running = service("--watch")
    running.write(part("a"))
    running.start()
    running.wait_for_output("started")
    running.write(part("a", 2))
    running.wait_for_output("wirework: container wirework reloaded: restarted")
    # The trial build fails in configure, with a message that quotes a new secret.
    running.write(
        part("a", 3, fail_configure='"wrong password hunter2-secret"'),
        "  credential:\n    password: hunter2-secret\n",
    )
    running.wait_for_output("reload failed")
    assert "hunter2-secret" not in running.output()
    assert "configure failed" in running.output()
    assert running.stop() == 0
