"""Structural protocols for "anything with an id".

Items do not have to inherit from anything: a dataclass or any object with an ``id``
attribute qualifies. Inheriting (as Pip.Services' ``MyData(IStringIdentifiable)`` does)
still works and documents intent.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class IIdentifiable(Protocol):
    """An item with an ``id`` of any type: what identifiable persistences key items by."""

    id: Any


@runtime_checkable
class IStringIdentifiable(Protocol):
    """An item whose ``id`` is a string (or ``None`` until a persistence gives it one)."""

    id: str | None
