"""Components for container tests: they record every lifecycle call in ``EVENTS``.

Config keys drive them: ``needs`` (locators looked up in set_references),
``fail`` (the lifecycle step that raises).
"""

from __future__ import annotations

import time
from typing import Any

from wirework.config import ConfigParams
from wirework.refer import IReferences

EVENTS: list[str] = []


class Probe:
    """Duck-typed: no wirework base class at all."""

    def __init__(self) -> None:
        self.name = "?"
        self.needs: list[str] = []
        self.fail: str | None = None
        self.found: list[Any] = []
        self._open = False

    def _step(self, step: str) -> None:
        EVENTS.append(f"{step} {self.name}")
        if self.fail == step:
            raise RuntimeError(f"{self.name} refuses to {step}")

    def configure(self, config: ConfigParams) -> None:
        self.name = config.get_as_string_with_default("id", "?")
        nested = config.to_nested()
        self.needs = list(nested.get("needs", {}).values()) if "needs" in nested else []
        self.fail = config.get_as_nullable_string("fail")
        self._step("configure")

    def set_references(self, references: IReferences) -> None:
        self._step("set_references")
        self.found = [references.get_one_required(locator) for locator in self.needs]

    def is_open(self) -> bool:
        return self._open

    def open(self, correlation_id: str | None) -> None:
        self._step("open")
        self._open = True

    def close(self, correlation_id: str | None) -> None:
        self._open = False
        self._step("close")

    def unset_references(self) -> None:
        EVENTS.append(f"unset_references {self.name}")


class Broken:
    def __init__(self) -> None:
        raise ValueError("no database URL")


class Slow:
    """Takes its time to open or close (``open_seconds``/``close_seconds``), and says so."""

    def __init__(self) -> None:
        self.open_seconds = 0.0
        self.close_seconds = 0.0

    def configure(self, config: ConfigParams) -> None:
        self.open_seconds = config.get_as_float("open_seconds")
        self.close_seconds = config.get_as_float("close_seconds")

    def is_open(self) -> bool:
        return True

    def open(self, correlation_id: str | None) -> None:
        print("slow: opening", flush=True)
        time.sleep(self.open_seconds)
        print("slow: opened", flush=True)

    def close(self, correlation_id: str | None) -> None:
        print("slow: closing", flush=True)
        time.sleep(self.close_seconds)
        print("slow: closed", flush=True)
