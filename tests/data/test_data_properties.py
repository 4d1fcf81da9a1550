"""Property tests: whatever paging, filter or sort input arrives, only wirework errors leave.

Paging often comes straight from a query string, so the inputs include every kind of
text, number, infinity and container; the promise is a value within 64 bits or an
``InvalidArgumentError`` naming the parameter, never a ``ValueError`` or
``OverflowError`` from inside.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirework.data import FilterParams, PagingParams, SortField, SortParams
from wirework.data._documents import INT64_MAX, INT64_MIN
from wirework.errors import InvalidArgumentError

NUMERIC_TEXT = st.one_of(
    st.integers().map(str),
    st.floats().map(repr),
    st.sampled_from(["1e400", "-1e400", "nan", "inf", " 7 ", "1_000", "0x10", "", " ", "9" * 80]),
)
PAGING_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    NUMERIC_TEXT,
    st.decimals(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def refusal(call: Callable[[], Any]) -> tuple[Any, str | None]:
    """``(result, None)``, or ``(None, message)`` when wirework refused the input."""
    try:
        return call(), None
    except InvalidArgumentError as exc:
        return None, str(exc)


@settings(max_examples=300, deadline=None)
@given(skip=PAGING_VALUES, take=PAGING_VALUES, total=PAGING_VALUES)
def test_paging_holds_64_bit_numbers_or_refuses_clearly(skip: Any, take: Any, total: Any) -> None:
    paging, message = refusal(lambda: PagingParams(skip, take, total))
    if message is not None:
        assert message.startswith(("paging skip must be", "paging take must be"))
        return
    for value in (paging.skip, paging.take):
        assert value is None or (type(value) is int and INT64_MIN <= value <= INT64_MAX)
    assert paging.take != 0
    assert 0 <= paging.get_skip(0) <= INT64_MAX
    assert 0 <= paging.get_take(100) <= 100
    assert type(paging.total) is bool
    assert PagingParams.from_json(paging.to_json()) == paging


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.none(),
        st.dictionaries(st.sampled_from(["skip", "take", "total", "x"]), PAGING_VALUES),
        PAGING_VALUES,
    )
)
def test_paging_from_any_value_builds_or_refuses_clearly(value: Any) -> None:
    paging, message = refusal(lambda: PagingParams.from_value(value))
    assert isinstance(paging, PagingParams) or message is not None


def test_paging_extremes_by_name() -> None:
    assert PagingParams(INT64_MAX, str(INT64_MAX)).skip == INT64_MAX
    assert PagingParams(decimal.Decimal("12.9")).skip == 12
    for bad in ("1e400", 2**63, -(2**63) - 1, float("inf"), decimal.Decimal("NaN"), "9" * 80):
        with pytest.raises(InvalidArgumentError, match="paging take must be a whole number"):
            PagingParams(take=bad)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(), st.integers(), st.none(), st.floats()), max_size=7))
def test_filter_params_from_tuples_pairs_or_refuses(pairs: list[Any]) -> None:
    params, message = refusal(lambda: FilterParams.from_tuples(*pairs))
    if message is not None:
        assert len(pairs) % 2 == 1
        assert "needs key/value pairs" in message
        return
    assert all(type(key) is str for key in params)
    assert len(params) <= len(pairs) // 2


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_filter_params_from_any_string(text: str) -> None:
    params = FilterParams.from_string(text)
    assert all(type(key) is str for key in params)
    assert all(value is None or type(value) is str for value in params.values())


SORT_FIELDS = st.one_of(
    st.text(max_size=6),
    st.builds(SortField, st.text(max_size=6), st.booleans()),
    st.integers(),
    st.none(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(SORT_FIELDS, max_size=4))
def test_sort_params_hold_named_fields_or_refuse_clearly(fields: list[Any]) -> None:
    params, message = refusal(lambda: SortParams(*fields))
    if message is not None:
        assert "a sort field must be a SortField or a field name" in message
        return
    assert len(params) == len(fields)
    assert all(isinstance(field, SortField) for field in params)
