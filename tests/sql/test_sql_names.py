"""The one table-name rule of every SQL component, and the names built from a table."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wirework.errors import ConfigError
from wirework.sql import check_table
from wirework.sql._names import IDENTIFIER, MAX_IDENTIFIER, derived_name

ROLES = ["version", "deleted", "expires_at", "state"]
tables = st.from_regex(IDENTIFIER, fullmatch=True)


@pytest.mark.parametrize("name", ["a", "_", "A_1", "wirework_state", "t" * MAX_IDENTIFIER])
def test_plain_identifiers_up_to_the_limit_are_tables(name: str) -> None:
    assert check_table(name, "C") == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "1abc",
        "t" * (MAX_IDENTIFIER + 1),
        "a$b",  # kept for the objects built from a table
        "a-b",
        "a.b",
        "a b",
        'x"; DROP TABLE y; --',
        "é",
        "a\x00",
        "a\n",
        None,
        5,
        b"items",
        ["items"],
    ],
    ids=repr,
)
def test_anything_else_is_refused_naming_the_rule(name: Any) -> None:
    with pytest.raises(ConfigError, match=r"^C: options.table must be an SQL identifier") as info:
        check_table(name, "C")
    assert f"at most {MAX_IDENTIFIER} characters" in str(info.value)


def test_a_huge_name_is_refused_at_once_and_shown_shortened() -> None:
    name = "a" * 10_000_000
    started = time.monotonic()
    with pytest.raises(ConfigError) as info:
        check_table(name, "C")
    assert time.monotonic() - started < 1
    assert len(str(info.value)) < 300


def test_short_names_are_the_table_and_role() -> None:
    assert derived_name("orders", "version") == "orders$version"


@given(table=tables, role=st.sampled_from(ROLES))
def test_a_built_name_fits_the_limit_and_is_never_a_table(table: str, role: str) -> None:
    name = derived_name(table, role)
    assert len(name) <= MAX_IDENTIFIER
    assert name.endswith(f"${role}")
    assert IDENTIFIER.fullmatch(name) is None  # it holds "$": no table is named so


@given(first=tables, second=tables, role=st.sampled_from(ROLES))
def test_two_tables_never_share_a_built_name(first: str, second: str, role: str) -> None:
    if first != second:
        assert derived_name(first, role) != derived_name(second, role)


def test_long_tables_that_differ_only_past_the_cut_keep_apart() -> None:
    first, second = "t" * 62 + "a", "t" * 62 + "b"
    assert derived_name(first, "expires_at") != derived_name(second, "expires_at")
    assert derived_name(first, "expires_at") == derived_name(first, "expires_at")
    assert len(derived_name(first, "expires_at")) == MAX_IDENTIFIER
