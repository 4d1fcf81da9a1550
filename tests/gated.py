"""A component whose ``open`` (and ``close``) waits for a file, so a test in another
process decides exactly when a start-up or a shutdown finishes, and sees what the
service says meanwhile.

Config keys: ``gate``, the file whose appearance lets ``open`` return;
``close_gate`` (optional), the same for ``close``. Each wait gives up after
``limit`` seconds (30 by default), so a broken test cannot hang a run.
"""

from __future__ import annotations

import time
from pathlib import Path

from wirework.config import ConfigParams


class Gated:
    def __init__(self) -> None:
        self.gate: Path | None = None
        self.close_gate: Path | None = None
        self.limit = 30.0
        self.opened = False

    def configure(self, config: ConfigParams) -> None:
        self.gate = Path(config.get_as_string("gate"))
        close_gate = config.get_as_nullable_string("close_gate")
        self.close_gate = None if close_gate is None else Path(close_gate)
        self.limit = config.get_as_float_with_default("limit", 30.0)

    def _wait_for(self, gate: Path | None) -> None:
        deadline = time.monotonic() + self.limit
        while gate is not None and not gate.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{gate} did not appear within {self.limit:g} s")
            time.sleep(0.02)

    def is_open(self) -> bool:
        return self.opened

    def open(self, correlation_id: str | None) -> None:
        self._wait_for(self.gate)
        self.opened = True

    def close(self, correlation_id: str | None) -> None:
        self._wait_for(self.close_gate)
        self.opened = False
