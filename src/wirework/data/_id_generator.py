"""Id generation for items created without one.

``next_long`` is a random version-4 UUID in 32 hex characters: unique without
coordination, which matters once several processes write to the same database.
It is made from ``os.urandom`` directly rather than by ``uuid.uuid4().hex``, which
builds a ``UUID`` object on the way and costs several times more (every ``create`` of
an item without an id pays it). The result is the same: 122 random bits from the
operating system with the version and variant bits of RFC 4122 set, so an id still
parses as a version-4 UUID (``uuid.UUID(id).version == 4``), for a database column of
type uuid or any code that checks. ``os.urandom`` keeps no state in the process, so
threads and forked workers cannot draw the same id.
"""

from __future__ import annotations

import os
import random


class IdGenerator:
    """Ids for items created without one (Pip.Services' ``IdGenerator``)."""

    @staticmethod
    def next_long() -> str:
        """A globally unique id: a random UUID version 4, 32 lowercase hex characters."""
        raw = bytearray(os.urandom(16))
        raw[6] = raw[6] & 0x0F | 0x40  # version 4 in the high nibble of byte 6
        raw[8] = raw[8] & 0x3F | 0x80  # variant 10xx (RFC 4122) in byte 8
        return raw.hex()

    @staticmethod
    def next_short() -> str:
        """A 9-digit id for humans (tickets, codes); NOT unique, check before use."""
        return str(random.randint(100_000_000, 999_999_999))
