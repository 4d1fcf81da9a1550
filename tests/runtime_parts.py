"""Components for the runtime tests: each records when its steps start and end.

Config keys: ``id``; ``open_seconds``; ``fail_opens`` (how many opens fail before one
works); ``hang`` (``open`` or ``close`` blocks until the test releases ``GATES[id]``);
``needs`` (locators looked up in ``set_references``); ``unhealthy`` (its check
raises, quoting the config's ``secret``). ``Async*`` variants define the lifecycle
as ``async def``. Every instance is in ``BY_ID``; ``LOG`` holds (event, id) pairs in
the order they happened, from any thread.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from wirework.config import ConfigParams
from wirework.refer import IReferences

LOG: list[tuple[str, str]] = []
BY_ID: dict[str, Any] = {}
GATES: dict[str, threading.Event] = {}
_lock = threading.Lock()
_running = 0
PEAK = [0]  # the most opens running at once


def reset() -> None:
    """Release whatever a test left blocked and let it finish, then forget it all."""
    for gate in GATES.values():
        gate.set()
    deadline = time.monotonic() + 10
    for thread in threading.enumerate():
        if thread.name.startswith(("wirework-open", "wirework-close", "wirework-check")):
            thread.join(max(0.0, deadline - time.monotonic()))
    GATES.clear()
    LOG.clear()
    BY_ID.clear()
    PEAK[0] = 0


def log(event: str, name: str) -> None:
    with _lock:
        LOG.append((event, name))


def events(kind: str) -> list[str]:
    return [name for event, name in LOG if event == kind]


class Part:
    """A sync component."""

    def __init__(self) -> None:
        self.id = "?"
        self.opened = False
        self.attempts = 0
        self.found: list[Any] = []

    def configure(self, config: ConfigParams) -> None:
        self.id = config.get_as_string("id")
        self.open_seconds = config.get_as_float_with_default("open_seconds", 0.0)
        self.fail_opens = config.get_as_integer_with_default("fail_opens", 0)
        self.hang = config.get_as_nullable_string("hang")
        self.needs = [v for k, v in config.items() if k.startswith("needs.")]
        self.unhealthy = config.get_as_boolean_with_default("unhealthy", False)
        self.secret = config.get_as_string_with_default("secret", "")
        BY_ID[self.id] = self
        if self.hang:
            GATES[self.id] = threading.Event()

    def set_references(self, references: IReferences) -> None:
        self.found = [references.get_one_required(locator) for locator in self.needs]

    def is_open(self) -> bool:
        return self.opened

    def _begin(self) -> None:
        global _running
        with _lock:
            _running += 1
            PEAK[0] = max(PEAK[0], _running)
        log("opening", self.id)

    def _end(self) -> None:
        global _running
        with _lock:
            _running -= 1

    def open(self, correlation_id: str | None) -> None:
        self.attempts += 1
        self._begin()
        try:
            if self.hang == "open":
                GATES[self.id].wait(30)
            time.sleep(self.open_seconds)
            if self.attempts <= self.fail_opens:
                log("failed", self.id)
                raise ConnectionError(f"{self.id}: not yet (attempt {self.attempts})")
            self.opened = True
            log("opened", self.id)
        finally:
            self._end()

    def close(self, correlation_id: str | None) -> None:
        log("closing", self.id)
        if self.hang == "close":
            GATES[self.id].wait(30)
        self.opened = False
        log("closed", self.id)

    def check_health(self, correlation_id: str | None) -> None:
        if self.hang == "health":
            GATES[self.id].wait(30)
        if self.unhealthy:
            raise ConnectionError(f"{self.id} cannot reach redis://app:{self.secret}@db/0")


class Rendezvous(Part):
    """Opens only when two others are opening at the same time (the test sets the
    barrier): proof of a parallel start that no timing can fake."""

    barrier = threading.Barrier(3, timeout=10)

    def open(self, correlation_id: str | None) -> None:
        self.barrier.wait()
        super().open(correlation_id)


class AsyncPart(Part):
    """The same, with ``async def`` lifecycle methods; records the loop it ran on."""

    loop: asyncio.AbstractEventLoop | None = None

    async def open(self, correlation_id: str | None) -> None:  # type: ignore[override]
        self.loop = asyncio.get_running_loop()
        self.attempts += 1
        log("opening", self.id)
        await asyncio.sleep(self.open_seconds)
        if self.hang == "open":
            await asyncio.sleep(30)
        self.task = asyncio.ensure_future(asyncio.sleep(3600))  # a background task of its own
        self.opened = True
        log("opened", self.id)

    async def close(self, correlation_id: str | None) -> None:  # type: ignore[override]
        log("closing", self.id)
        assert asyncio.get_running_loop() is self.loop, "closed on another loop than opened"
        self.task.cancel()
        self.opened = False
        log("closed", self.id)

    async def check_health(self, correlation_id: str | None) -> None:  # type: ignore[override]
        await asyncio.sleep(0)
        if self.unhealthy:
            raise ConnectionError(f"{self.id} is unwell")
