"""Components for fault-injection tests: each fails one lifecycle step on demand.

Config keys: ``id``; ``fail``, the step that raises (``configure``, ``set_references``,
``open``, ``close`` or ``unset_references``); ``raise``, what it raises
(``RuntimeError``, ``KeyboardInterrupt`` or ``SystemExit``); ``needs``, locators looked
up in ``set_references``. Every instance is kept in ``ALL`` with its state, so a test
can check that after any failure nothing is left open or wired.
"""

from __future__ import annotations

import signal
import sys
import time
from types import FrameType
from typing import Any

from wirework.config import ConfigParams
from wirework.container._interrupt import Interruption
from wirework.refer import IReferences

RAISABLE: dict[str, type[BaseException]] = {
    "RuntimeError": RuntimeError,
    "KeyboardInterrupt": KeyboardInterrupt,
    "SystemExit": SystemExit,
}
ALL: list[Faulty] = []
CALLS: list[str] = []
INTERRUPTION = Interruption()


def reset() -> None:
    global INTERRUPTION
    ALL.clear()
    CALLS.clear()
    INTERRUPTION = Interruption()


def frame_in(module: str) -> FrameType:
    """A frame that runs code of ``module``, as a signal handler would receive it."""
    namespace: dict[str, Any] = {"__name__": module, "sys": sys}
    exec("def here():\n    return sys._getframe()\n", namespace)
    frame: FrameType = namespace["here"]()
    return frame


def named(name: str) -> Faulty:
    return next(f for f in ALL if f.name == name)


class Faulty:
    """Duck-typed like any component; records every call in ``CALLS``."""

    def __init__(self) -> None:
        self.name = "?"
        self.fail: str | None = None
        self.error: type[BaseException] = RuntimeError
        self.needs: list[str] = []
        self.found: list[Any] = []
        self.wired = False
        self.opened = False
        self.raised: BaseException | None = None
        ALL.append(self)

    def _step(self, step: str) -> None:
        CALLS.append(f"{step} {self.name}")
        if self.fail == step:
            self.raised = self.error(f"{self.name} fails to {step}")
            raise self.raised

    def configure(self, config: ConfigParams) -> None:
        self.name = config.get_as_string("id")
        self.fail = config.get_as_nullable_string("fail")
        self.error = RAISABLE[config.get_as_string_with_default("raise", "RuntimeError")]
        self.needs = [v for k, v in config.items() if k.startswith("needs.")]
        self._step("configure")

    def set_references(self, references: IReferences) -> None:
        self._step("set_references")
        self.found = [references.get_one_required(locator) for locator in self.needs]
        self.wired = True

    def unset_references(self) -> None:
        self._step("unset_references")
        self.found = []
        self.wired = False

    def is_open(self) -> bool:
        return self.opened

    def open(self, correlation_id: str | None) -> None:
        self._step("open")
        self.opened = True

    def close(self, correlation_id: str | None) -> None:
        self._step("close")
        self.opened = False


class Signalled(Faulty):
    """Gets a SIGTERM while it opens: inside its own code (``where: component``), the
    same but after it has opened (``where: component-after``), or as if the signal
    landed a moment later, in the container's own code (``where: container``)."""

    def configure(self, config: ConfigParams) -> None:
        super().configure(config)
        self.where = config.get_as_string("where")

    def open(self, correlation_id: str | None) -> None:
        if self.where == "component-after":
            super().open(correlation_id)
        module = "wirework.container._engine" if self.where == "container" else __name__
        INTERRUPTION.request(signal.SIGTERM, frame_in(module))
        if self.where != "component-after":
            super().open(correlation_id)


class Sleeper:
    """Opens and closes slowly (``open_seconds``/``close_seconds``), writing each step to
    the file ``journal`` as it happens, so a test in another process sees exactly how
    far a start-up or a shutdown got."""

    def __init__(self) -> None:
        self.name = "?"
        self.journal = ""
        self.open_seconds = 0.0
        self.close_seconds = 0.0
        self.opened = False

    def configure(self, config: ConfigParams) -> None:
        self.name = config.get_as_string("id")
        self.journal = config.get_as_string("journal")
        self.open_seconds = config.get_as_float("open_seconds")
        self.close_seconds = config.get_as_float("close_seconds")

    def _write(self, event: str) -> None:
        with open(self.journal, "a", encoding="utf-8") as journal:
            journal.write(f"{event} {self.name}\n")

    def is_open(self) -> bool:
        return self.opened

    def open(self, correlation_id: str | None) -> None:
        self._write("opening")
        time.sleep(self.open_seconds)
        self.opened = True
        self._write("opened")

    def close(self, correlation_id: str | None) -> None:
        self._write("closing")
        time.sleep(self.close_seconds)
        self.opened = False
        self._write("closed")
