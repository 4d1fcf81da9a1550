"""Small stand-in components for the wirework.di tests (declared with ``type:``)."""

from __future__ import annotations

from typing import Any

from wirework.config import ConfigParams


class Store:
    """Openable, configurable, with a tiny key-value API."""

    def __init__(self) -> None:
        self.opened = False
        self.config: ConfigParams | None = None
        self.data: dict[str, Any] = {}

    def configure(self, config: ConfigParams) -> None:
        self.config = config

    def open(self, correlation_id: str | None) -> None:
        self.opened = True

    def close(self, correlation_id: str | None) -> None:
        self.opened = False

    def is_open(self) -> bool:
        return self.opened

    def load(self, correlation_id: str | None, key: str) -> Any:
        return self.data.get(key)

    def save(self, correlation_id: str | None, key: str, value: Any) -> Any:
        self.data[key] = value
        return value


class Persistence(Store):
    pass


class Plain:
    """No lifecycle at all: never in ``open_order``."""


class Fake:
    """What tests swap in."""

    def __init__(self, name: str = "fake") -> None:
        self.name = name

    def load(self, correlation_id: str | None, key: str) -> Any:
        return f"{self.name}:{key}"

    def __repr__(self) -> str:
        return f"Fake({self.name!r})"
