"""The parse cache behind string locators: answers like the parser, stays bounded."""

from __future__ import annotations

import threading

import pytest

from wirework.descriptor import Descriptor
from wirework.errors import ConfigError
from wirework.refer import References, to_locator
from wirework.refer._parse_cache import ParseCache
from wirework.refer._references import _PARSED


def test_a_hit_is_the_descriptor_parsed_before() -> None:
    cache = ParseCache(size=4)
    first = cache[" g : t:k:n:1.0"]
    assert first == Descriptor("g", "t", "k", "n", "1.0")
    assert cache[" g : t:k:n:1.0"] is first
    assert len(cache) == 1


def test_full_cache_starts_over_and_never_grows() -> None:
    cache = ParseCache(size=8)
    for i in range(1_001):
        cache[f"g:t:k:n{i}:1.0"]
        assert len(cache) <= 8
    assert list(cache) == ["g:t:k:n1000:1.0"]  # emptied when the 1,001st came


def test_bound_holds_under_threads() -> None:
    cache = ParseCache(size=16)
    sizes: list[int] = []

    def parse(t: int) -> None:
        for i in range(2_000):
            assert cache[f"g:t:{t}:n{i}:1.0"].kind == str(t)
            sizes.append(len(cache))

    threads = [threading.Thread(target=parse, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sizes) == 8_000
    assert max(sizes) <= 16


def test_long_and_malformed_strings_are_not_kept() -> None:
    cache = ParseCache(size=4, longest=20)
    long_text = "g:t:k:" + "n" * 30 + ":1.0"
    assert cache[long_text].name == "n" * 30
    for _ in range(2):
        with pytest.raises(ConfigError, match="malformed"):
            cache["g:t:k:n"]
    assert len(cache) == 0


def test_references_keep_hostile_varied_locators_bounded() -> None:
    refs = References.from_tuples("g:t:k:n:1.0", "component")
    for i in range(3 * _PARSED.size):
        assert refs.get_one_optional(f"g:t:k:request-{i}:1.0") is None
    assert len(_PARSED) <= _PARSED.size
    assert refs.get_one_required("g:t:k:n:1.0") == "component"


def test_str_subclasses_are_parsed_but_not_cached() -> None:
    class Text(str):
        pass

    locator = Text("g:t:k:subclass:1.0")
    assert to_locator(locator) == Descriptor("g", "t", "k", "subclass", "1.0")
    assert "g:t:k:subclass:1.0" not in _PARSED


def test_size_must_leave_room() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ParseCache(size=0)
