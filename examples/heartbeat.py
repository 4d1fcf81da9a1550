"""The example service behind ``make run``: a component that does visible work.

It counts heartbeats in whatever state store the config declares and logs the count
every second. On a persistent store the count survives a restart; on a shared one
(Redis, PostgreSQL) several processes count together without losing a beat, because
each increment is a versioned save retried on conflict.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from pydantic import Field

from wirework.config import ConfigParams
from wirework.config.schema import ComponentConfig, SchemaRef, milliseconds, validated
from wirework.errors import ConcurrencyError, WireworkError
from wirework.log import ILogger, NullLogger
from wirework.refer import IReferences


class HeartbeatOptions(ComponentConfig):
    interval: int = milliseconds(1000, "time between two beats", least=1)
    key: str = Field("heartbeat", min_length=1, description="the state key counted in")


class HeartbeatConfig(ComponentConfig):
    """The keys ``Heartbeat`` reads: a typo or a wrong type in them is refused at start."""

    options: HeartbeatOptions = HeartbeatOptions()


class Heartbeat:
    """Increments ``options.key`` in the state store every ``options.interval`` ms."""

    config_schema: ClassVar[SchemaRef] = HeartbeatConfig

    def __init__(self) -> None:
        self.interval = 1.0
        self.key = "heartbeat"
        self._store: Any = None
        self._logger: ILogger = NullLogger()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def configure(self, config: ConfigParams) -> None:
        options = validated(self, config).options
        self.interval = options.interval / 1000
        self.key = options.key

    def set_references(self, references: IReferences) -> None:
        self._store = references.get_one_required("*:state-store:*:*:1.0")
        self._logger = references.get_one_optional("*:logger:*:*:1.0") or NullLogger()

    def is_open(self) -> bool:
        return self._thread is not None

    def open(self, correlation_id: str | None) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def close(self, correlation_id: str | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def beat(self, correlation_id: str | None) -> int:
        """One increment, safe against other processes incrementing the same key."""
        while True:
            value, version = self._store.load_versioned(correlation_id, self.key)
            count = int(value or 0) + 1
            try:
                self._store.save(correlation_id, self.key, count, expected_version=version)
            except ConcurrencyError:
                continue
            return count

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._logger.info("heartbeat", "heartbeat %d", self.beat("heartbeat"))
            except WireworkError as exc:
                self._logger.error("heartbeat", exc, "heartbeat failed")
