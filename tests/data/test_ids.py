from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass

from wirework.data import IdGenerator, IIdentifiable, IStringIdentifiable


def test_next_long_is_32_hex_and_unique() -> None:
    ids = {IdGenerator.next_long() for _ in range(100_000)}
    assert len(ids) == 100_000
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in ids)


def test_next_long_is_a_version_4_uuid_like_uuid4_hex() -> None:
    for _ in range(1_000):
        value = IdGenerator.next_long()
        assert re.fullmatch(r"[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}", value)
        parsed = uuid.UUID(value)
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
        assert parsed.hex == value


def test_next_long_draws_every_other_bit_at_random() -> None:
    """Each of the 122 random bits is set in about half of 4,000 ids (a fixed bit, as
    a wrong mask would leave, is 0 or 4,000; chance alone strays past 300 from 2,000
    about once in 10^20 per bit)."""
    ids = [int(IdGenerator.next_long(), 16) for _ in range(4_000)]
    fixed = {127 - bit for bit in (48, 49, 50, 51, 64, 65)}  # version, variant
    for bit in range(128):
        ones = sum(value >> bit & 1 for value in ids)
        if bit in fixed:
            assert ones in (0, len(ids))
        else:
            assert 1_700 <= ones <= 2_300, (bit, ones)


def test_threads_draw_different_ids() -> None:
    results: list[list[str]] = []

    def draw() -> None:
        results.append([IdGenerator.next_long() for _ in range(5_000)])

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    drawn = [value for batch in results for value in batch]
    assert len(set(drawn)) == len(drawn) == 20_000


def test_next_short_is_nine_digits() -> None:
    assert re.fullmatch(r"[1-9][0-9]{8}", IdGenerator.next_short())


def test_identifiable_is_structural() -> None:
    @dataclass
    class Item:
        id: str

    class Declared(IStringIdentifiable):
        def __init__(self, id: str | None) -> None:  # noqa: A002
            self.id = id

    assert isinstance(Item("1"), IIdentifiable)
    assert isinstance(Declared(None), IStringIdentifiable)
    assert not isinstance(object(), IIdentifiable)
