"""Item classes shared by the persistence tests (importable by module path, so items
saved by one persistence can be read back as the same class)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Dummy:
    id: str | None = None
    key: str = ""
    content: str = ""
    count: int = 0
