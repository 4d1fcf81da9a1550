"""Property tests: descriptors and config files of any shape give a value or a WireworkError.

Nothing else may escape (no RecursionError, ValueError, UnicodeError... from PyYAML or
the walk), and each example finishes within the deadline, which a file that expands
or recurses without bound would not.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirework.config import ConfigParams, parse_config
from wirework.descriptor import Descriptor
from wirework.errors import ConfigError, WireworkError

FAST = settings(
    max_examples=150,
    deadline=2000,  # ms: generous for a busy machine, far below any unbounded expansion
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)


def parse_or_refuse(text: str, parameters: dict[str, Any] | None = None) -> list[Any] | None:
    """The specs, or ``None`` when wirework refused the text with its own error."""
    try:
        return parse_config(text, "prop.yml", parameters)
    except WireworkError as exc:
        message = str(exc)
    assert message  # renders without raising
    return None


# -- descriptors --------------------------------------------------------------------------
FIELD = st.text(st.characters(blacklist_characters=":"), min_size=1, max_size=8)


@FAST
@given(st.text(max_size=60))
def test_any_text_parses_to_a_descriptor_or_a_config_error(text: str) -> None:
    try:
        descriptor = Descriptor.from_string(text)
    except ConfigError as exc:
        message = str(exc)
    else:
        assert len(descriptor) == 5
        assert all(part and part == part.strip() for part in descriptor)
        assert Descriptor.from_string(str(descriptor)) == descriptor
        return
    assert repr(text) in message


@FAST
@given(st.lists(FIELD, min_size=5, max_size=5))
def test_five_non_blank_fields_round_trip(fields: list[str]) -> None:
    text = ":".join(fields)
    if not all(field.strip() for field in fields):
        return
    descriptor = Descriptor.from_string(text)
    assert list(descriptor) == [field.strip() for field in fields]
    assert descriptor.match(Descriptor.from_string("*:*:*:*:*"))


@FAST
@given(st.one_of(st.none(), st.integers(), st.floats(), st.lists(st.text()), st.binary()))
def test_non_strings_are_config_errors(value: object) -> None:
    with pytest.raises(ConfigError, match="must be a string"):
        Descriptor.from_string(value)  # type: ignore[arg-type]


# -- config files: random text and random YAML tokens -------------------------------------
TOKENS = [
    "- ", "  ", "    ", "\n", "\n- ", "descriptor: ", "type: ", "a:b:c:d:1.0", "x:Y",
    "options:", "dependencies: ", "key: ", "k", "&a ", "&b ", "*a", "*b", "<<: ", "{", "}",
    "[", "]", ", ", ": ", "? ", "!!set ", "!!omap ", "!!int ", "!!float ", "!!binary ",
    "!!timestamp ", "!!python/object:os.system ", "!custom ", "${X}", "${X:-1}", "${1A}",
    "${X:d}", "$X", "$$", "${", "{{Y}}", "#", "'", '"', "~", "null", "0x1f", "1e999", "9" * 40,
    "2001-12-14", "2001-13-45", "|\n  ", ">\n  ", "---\n", "...\n", "=", "\t", "\x00", "é",
    "\ud800", "\u2028",
]  # fmt: skip


@FAST
@given(st.text(max_size=200))
def test_any_text_loads_or_is_refused_by_wirework(text: str) -> None:
    parse_or_refuse(text)


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=60))
def test_any_token_soup_loads_or_is_refused_by_wirework(tokens: list[str]) -> None:
    parse_or_refuse("".join(tokens))


@FAST
@given(
    st.lists(st.sampled_from(TOKENS), max_size=30),
    st.dictionaries(
        st.sampled_from(["X", "Y", "A", "PORT"]),
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(["[" * 2000, "{" * 500, "9" * 5000, "0x" + "f" * 3000, "~", "1e5"]),
        ),
    ),
)
def test_markers_with_any_parameter_values(tokens: list[str], values: dict[str, str]) -> None:
    text = "- descriptor: a:b:c:d:1.0\n  v: " + "".join(tokens).replace("\n", " ") + "\n"
    parse_or_refuse(text, values)


@FAST
@given(st.text(max_size=300))
def test_a_lone_marker_takes_only_scalar_typing(value: str) -> None:
    specs = parse_or_refuse("- descriptor: a:b:c:d:1.0\n  v: ${V}\n  q: '${V}'\n", {"V": value})
    if specs is None:
        assert value.strip("+-").isdigit() or value.lower().startswith(("0x", "0b", "0o"))
        return
    typed = specs[0].config.get("v")
    assert typed is None or isinstance(typed, bool | int | float | str)
    assert specs[0].config["q"] == value


# -- config files: structures that round-trip ---------------------------------------------
KEYS = st.text(
    st.characters(codec="utf-8", categories=["L", "N"], include_characters="_-"),
    min_size=1,
    max_size=6,
).filter(lambda key: key not in ("descriptor", "type", "dependencies"))  # keys with rules
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    st.text(st.characters(codec="utf-8", exclude_characters="${}"), max_size=12),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=25,
)


@FAST
@given(st.lists(st.dictionaries(KEYS, VALUES, max_size=5), min_size=1, max_size=4))
def test_plain_structures_load_as_safe_load_reads_them(entries: list[dict[str, Any]]) -> None:
    documents = [{**entry, "descriptor": f"g:t:k:n{i}:1.0"} for i, entry in enumerate(entries)]
    text = yaml.safe_dump(documents, allow_unicode=True)
    specs = parse_config(text, "prop.yml")
    expected = [ConfigParams.from_value(document) for document in yaml.safe_load(text)]
    assert [spec.config for spec in specs] == expected


@FAST
@given(VALUES, st.integers(min_value=1, max_value=6))
def test_shared_values_are_aliases_and_load_like_copies(value: Any, copies: int) -> None:
    if not isinstance(value, list | dict):
        value = [value]
    entry = {"descriptor": "g:t:k:n:1.0", **{f"copy{i}": value for i in range(copies)}}
    text = yaml.safe_dump([entry], allow_unicode=True)  # the same object: anchors and aliases
    specs = parse_or_refuse(text)
    assert specs is not None, text
    expected = ConfigParams.from_value(yaml.safe_load(text)[0])
    assert specs[0].config == expected
    assert all(not isinstance(v, float) or not math.isnan(v) for v in expected.values())
