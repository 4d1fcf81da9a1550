"""Components for hot-reload tests: each counts its lifecycle calls and, given a
``journal`` file, appends every step to it as it happens, so a test (in this process
or watching a ``wirework run`` subprocess) sees exactly what a reload did, in order.

Config keys: ``id``; ``options.value``, any value (changing it is the edit a test
makes); ``needs.*``, locators looked up in ``set_references``; ``journal``, a path;
``fail_open``, to make its open raise; ``frozen_while_open``, to make a ``configure``
of an open instance raise; ``fail_configure``, a message every ``configure`` raises;
``fail_close``, to make its close raise;
``configure_seconds``, how long a ``configure`` takes.
``Part`` restarts when its entry changes; ``TunablePart`` is reconfigurable;
``FlakyPart`` fails one chosen ``configure``.
"""

from __future__ import annotations

import time
from typing import Any

from wirework.config import ConfigParams
from wirework.refer import IReferences


class Part:
    def __init__(self) -> None:
        self.id = "?"
        self.value: Any = None
        self.journal: str | None = None
        self.needs: list[str] = []
        self.found: list[Any] = []
        self.configures = 0
        self.opens = 0
        self.closes = 0
        self.opened = False
        self.fail_open = False
        self.fail_close = False

    def _note(self, step: str) -> None:
        if self.journal:
            with open(self.journal, "a", encoding="utf-8") as file:
                file.write(f"{step} {self.id}\n")

    def configure(self, config: ConfigParams) -> None:
        if self.opened and config.get_as_boolean("frozen_while_open"):
            raise RuntimeError(f"{self.id} cannot change while open")
        if config.get("fail_configure"):
            raise RuntimeError(config.get_as_string("fail_configure"))
        time.sleep(config.get_as_float_with_default("configure_seconds", 0))
        self.id = config.get_as_string("id")
        self.value = config.get("options.value")
        self.journal = config.get_as_nullable_string("journal")
        self.needs = [v for k, v in sorted(config.items()) if k.startswith("needs.")]
        self.fail_open = config.get_as_boolean("fail_open")
        self.fail_close = config.get_as_boolean("fail_close")
        self.configures += 1
        self._note(f"configure={self.value}")

    def set_references(self, references: IReferences) -> None:
        self.found = [references.get_one_required(locator) for locator in self.needs]

    def is_open(self) -> bool:
        return self.opened

    def open(self, correlation_id: str | None) -> None:
        if self.fail_open:
            self._note("fail-open")
            raise RuntimeError(f"{self.id} cannot open")
        self.opens += 1
        self.opened = True
        self._note("open")

    def close(self, correlation_id: str | None) -> None:
        if self.fail_close:
            raise RuntimeError(f"{self.id} cannot close")
        self.closes += 1
        self.opened = False
        self._note("close")


class TunablePart(Part):
    reconfigurable = True


class FlakyPart(Part):
    """Fails the configure numbered ``fail_at`` (counted over every instance): a test
    sets it to fail the reload's real build of an entry after its trial passed."""

    configured = 0
    fail_at = 0

    def configure(self, config: ConfigParams) -> None:
        FlakyPart.configured += 1
        if FlakyPart.configured == FlakyPart.fail_at:
            raise RuntimeError("failed the second time round")
        super().configure(config)
