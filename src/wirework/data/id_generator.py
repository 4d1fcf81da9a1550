"""Id generation for items created without one.

``next_long`` is a random uuid4 in 32 hex characters: unique without coordination,
which matters once several processes write to the same database.
"""

from __future__ import annotations

import random
import uuid

__all__ = ["IdGenerator"]


class IdGenerator:
    @staticmethod
    def next_long() -> str:
        """A globally unique id: 32 lowercase hex characters."""
        return uuid.uuid4().hex

    @staticmethod
    def next_short() -> str:
        """A 9-digit id for humans (tickets, codes); NOT unique, check before use."""
        return str(random.randint(100_000_000, 999_999_999))
