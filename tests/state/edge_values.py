"""Inputs at the edges of the state stores' rulebook, shared by both conformance suites.

The keys are random rather than repetitive because PostgreSQL compresses an index
entry before checking its size: ``"k" * 3000`` fits its index, random text of 3,000
bytes does not. A test at the limit must be at the limit for every backend.
"""

from __future__ import annotations

import random
import string

from wirework.data._values import MAX_KEY_BYTES


def incompressible(alphabet: str, count: int) -> str:
    """``count`` characters drawn at random (but the same every run) from ``alphabet``."""
    rng = random.Random(count)
    return "".join(rng.choice(alphabet) for _ in range(count))


LONGEST_KEYS = {
    "ascii": incompressible(string.ascii_letters + string.digits, MAX_KEY_BYTES),
    "two-byte": incompressible("".join(map(chr, range(0x400, 0x500))), MAX_KEY_BYTES // 2),
    "four-byte": incompressible("".join(map(chr, range(0x1F600, 0x1F650))), MAX_KEY_BYTES // 4),
}
"""Keys of exactly ``MAX_KEY_BYTES`` of UTF-8, in characters of one, two and four bytes."""

PAST_LIMIT = r" is 1,025 bytes long in UTF-8; the limit is 1,024 bytes$"
"""How the refusal of a key one byte too long ends (it is one of ``LONGEST_KEYS`` + "k")."""
