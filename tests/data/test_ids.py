from __future__ import annotations

import re
from dataclasses import dataclass

from wirework.data import IdGenerator, IIdentifiable, IStringIdentifiable


def test_next_long_is_32_hex_and_unique() -> None:
    ids = {IdGenerator.next_long() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in ids)


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
