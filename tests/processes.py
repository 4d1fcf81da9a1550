"""Services a test starts as processes: each is stopped by its PID when the test ends,
whether it passed or failed half-way, so no run leaves a service behind."""

from __future__ import annotations

import subprocess
from typing import Any


class Started:
    """The processes one test module started; ``stop_all`` after each test."""

    def __init__(self) -> None:
        self._processes: list[subprocess.Popen[Any]] = []

    def track(self, process: subprocess.Popen[Any]) -> None:
        self._processes.append(process)

    def stop_all(self) -> None:
        while self._processes:
            process = self._processes.pop()
            if process.poll() is None:
                process.kill()
                process.communicate()
