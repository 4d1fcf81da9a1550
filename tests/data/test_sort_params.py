from __future__ import annotations

import pytest

from wirework.data import SortField, SortParams


def test_fields_and_strings() -> None:
    params = SortParams(SortField("a"), "b", "-c", " - d ")
    assert list(params) == [
        SortField("a"),
        SortField("b"),
        SortField("c", ascending=False),
        SortField("d", False),
    ]
    assert repr(SortParams("x")) == "SortParams(SortField(name='x', ascending=True))"
    assert SortParams() == []


@pytest.mark.parametrize("bad", ["", "-", 5])
def test_bad_fields_are_explained(bad: object) -> None:
    with pytest.raises(ValueError, match=r"a sort field must be a SortField or a field name, got"):
        SortParams(bad)  # type: ignore[arg-type]


def test_sort_field_is_a_hashable_value() -> None:
    assert SortField("a") == SortField("a", True)
    assert len({SortField("a"), SortField("a")}) == 1
