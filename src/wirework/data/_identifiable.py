"""Structural protocols for "anything with an id".

Items do not have to inherit from anything: a dataclass or any object with an ``id``
attribute qualifies. Inheriting (as the seed's ``MyData(IStringIdentifiable)`` does)
still works and documents intent.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class IIdentifiable(Protocol):
    id: Any


@runtime_checkable
class IStringIdentifiable(Protocol):
    id: str | None
