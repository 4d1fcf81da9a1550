from __future__ import annotations

from typing import Any

import pytest

from wirework.data import DataPage, PagingParams


@pytest.mark.parametrize(
    ("args", "skip", "take", "total"),
    [
        ((), None, None, False),
        ((0, 0), 0, None, False),  # Pip.Services turns take 0 into "unset"
        ((5, 10, True), 5, 10, True),
        (("5", "10", "true"), 5, 10, True),
        ((" 2 ", "1.7", "no"), 2, 1, False),
        (("", " ", None), None, None, False),  # blank text (an empty query parameter) is unset
    ],
)
def test_construction_converts(args: tuple[Any, ...], skip: Any, take: Any, total: bool) -> None:
    paging = PagingParams(*args)
    assert (paging.skip, paging.take, paging.total) == (skip, take, total)
    assert paging.has_total() is total


@pytest.mark.parametrize(
    ("skip", "take", "get_skip", "get_take"),
    [
        (None, None, 0, 100),
        (-5, -1, 0, 0),  # a negative take is nothing, not "everything"
        (3, 500, 3, 100),
        (3, 20, 3, 20),
        (0, 0, 0, 100),
    ],
)
def test_clamping(skip: Any, take: Any, get_skip: int, get_take: int) -> None:
    paging = PagingParams(skip, take)
    assert paging.get_skip(0) == get_skip
    assert paging.get_take(100) == get_take


def test_get_skip_respects_a_higher_minimum() -> None:
    assert PagingParams(2).get_skip(5) == 5


def test_from_value_and_json_round_trip() -> None:
    paging = PagingParams(1, 2, True)
    assert PagingParams.from_value(paging) is paging
    assert PagingParams.from_value(None) == PagingParams()
    assert PagingParams.from_value({"skip": "1", "take": 2, "total": "1"}) == paging
    assert PagingParams.from_json(paging.to_json()) == paging
    assert PagingParams.from_tuples("skip", 1, "take", 2, "total", True) == paging
    assert repr(paging) == "PagingParams(skip=1, take=2, total=True)"
    assert hash(paging) == hash(PagingParams(1, 2, True))
    assert paging != (1, 2, True)


def test_bad_inputs_are_explained() -> None:
    message = r"paging must be PagingParams, a mapping or None, got list"
    with pytest.raises(ValueError, match=message):
        PagingParams.from_value([1, 2])
    message = r"PagingParams.from_tuples needs key/value pairs, got 1 items"
    with pytest.raises(ValueError, match=message):
        PagingParams.from_tuples("skip")


def test_data_page() -> None:
    page: DataPage[int] = DataPage([1, 2], 7)
    assert (page.data, page.total) == ([1, 2], 7)
    assert DataPage().data == []
    assert DataPage().total is None
    assert page.to_json() == {"data": [1, 2], "total": 7}
    assert DataPage.from_json({"data": [1], "total": "3"}) == DataPage([1], 3)
    assert DataPage.from_json({}) == DataPage([], None)
