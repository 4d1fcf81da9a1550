import pytest

from wirework.descriptor import Descriptor
from wirework.errors import ConfigError


def test_parse_strips_and_round_trips() -> None:
    d = Descriptor.from_string(" pip-services : logger : console : default : 1.0 ")
    assert d == Descriptor("pip-services", "logger", "console", "default", "1.0")
    assert str(d) == "pip-services:logger:console:default:1.0"
    assert Descriptor.from_string(str(d)) == d
    assert repr(d) == "Descriptor('pip-services:logger:console:default:1.0')"


@pytest.mark.parametrize("bad", ["a:b:c", "a:b:c:d:e:f", "a::c:d:e", ""])
def test_malformed_descriptor_quotes_the_string(bad: str) -> None:
    with pytest.raises(ConfigError, match="expected 5 non-empty parts") as info:
        Descriptor.from_string(bad)
    assert repr(bad) in str(info.value)


def test_non_string_is_rejected() -> None:
    with pytest.raises(ConfigError, match="must be a string"):
        Descriptor.from_string(42)  # type: ignore[arg-type]


def test_wildcards_match_on_either_side() -> None:
    concrete = Descriptor.from_string("g:logger:console:default:1.0")
    assert Descriptor.from_string("*:logger:*:*:1.0").match(concrete)
    assert concrete.match(Descriptor.from_string("*:logger:*:*:1.0"))
    assert not concrete.match(Descriptor.from_string("*:logger:*:*:2.0"))
    assert not concrete.match(Descriptor.from_string("g:cache:*:*:*"))


def test_equality_is_exact_not_wildcard() -> None:
    pattern = Descriptor.from_string("*:logger:*:*:1.0")
    concrete = Descriptor.from_string("g:logger:console:default:1.0")
    assert pattern.match(concrete)
    assert pattern != concrete
    assert len({pattern, concrete, Descriptor.from_string("*:logger:*:*:1.0")}) == 2


def test_is_complete() -> None:
    assert Descriptor.from_string("a:b:c:d:e").is_complete
    assert not Descriptor.from_string("a:b:*:d:e").is_complete


def test_empty_part_is_named() -> None:
    with pytest.raises(ConfigError, match="part 3 is empty"):
        Descriptor.from_string("a:b::d:e")


def test_parsed_parts_are_shared_between_descriptors() -> None:
    first = Descriptor.from_string("myapp:component:default:c1:1.0")
    second = Descriptor.from_string(" myapp :component:default:c2:1.0")
    assert first.group is second.group
    assert first.version is second.version
