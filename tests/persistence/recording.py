"""A logger that keeps what it is told, for tests that check what an operator would see."""

from __future__ import annotations

from wirework.log import LogLevel, NullLogger


class Recorder(NullLogger):
    def __init__(self, level: LogLevel) -> None:
        super().__init__()
        self.level = level
        self.lines: list[str] = []

    def write(
        self,
        level: LogLevel,
        correlation_id: str | None,
        error: BaseException | None,
        message: str,
    ) -> None:
        self.lines.append(f"{correlation_id}:{level.name}:{message}")
