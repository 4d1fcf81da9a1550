"""Property test: a component's ``ReferencesView`` answers like the slow path.

A view's ``get_one_*`` take the registry's exact fast path and fall back to ``find``
when the fast answer is the owner (the one component a view never returns) or is not
known. Whatever mix of exact and wildcard registrations, of the owner and of others,
removals and lookups hypothesis draws, each answer must be the first of the model's
newest-first matches that is not the owner, and every answer given while recording is
recorded (the dependency graph is built from that record).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from test_references_properties import EVERY_EXACT, Component, Model, any_key, check_one, exact
from wirework.descriptor import Descriptor
from wirework.errors import MissingReferenceError
from wirework.refer import References, ReferencesView

OWNER = Component(-1)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("put"), any_key, st.booleans()),  # True: the owner itself
        st.tuples(st.just("put"), exact, st.booleans()),
        st.tuples(st.just("remove"), any_key),
        st.tuples(st.just("lookup"), exact),
        st.tuples(st.just("lookup"), any_key),
    ),
    max_size=40,
)


def expected(model: Model, key: Descriptor) -> object | None:
    return next((c for c in model.find(key) if c is not OWNER), None)


def check(view: ReferencesView, model: Model, key: Descriptor) -> None:
    answer = expected(model, key)
    check_one(view, key, answer)
    if answer is not None:
        assert view.recorded[id(answer)] is answer
    assert view.find(key, False) == [c for c in model.find(key) if c is not OWNER]


@given(operations)
def test_view_answers_match_the_slow_path_without_the_owner(ops: list[tuple[Any, ...]]) -> None:
    refs, model = References(), Model()
    view = ReferencesView(refs, OWNER, "owner", "config.yml:1")
    made = 0
    for op in ops:
        match op:
            case ("put", key, is_owner):
                component = OWNER if is_owner else Component(made)
                made += 1
                refs.put(key, component)
                model.entries.append((key, component))
            case ("remove", key):
                assert refs.remove(key) is model.remove(key)
            case ("lookup", key):
                check(view, model, key)
    for key in EVERY_EXACT:
        check(view, model, key)


def test_a_view_that_stopped_recording_still_answers_without_recording() -> None:
    refs = References()
    key = Descriptor("g", "s", "k", "a", "1.0")
    refs.put(key, "a")
    view = ReferencesView(refs, OWNER, "owner", None)
    view.stop_recording()
    assert view.get_one_required(key) == "a"
    assert view.get_one_optional("g:s:k:a:1.0") == "a"
    assert view.recorded == {}


def test_the_owner_as_the_only_match_is_missing_and_named() -> None:
    refs = References()
    refs.put("g:s:k:a:1.0", OWNER)
    view = ReferencesView(refs, OWNER, "g:s:k:a:1.0", "config.yml:3")
    assert view.get_one_optional("g:s:k:a:1.0") is None
    with pytest.raises(MissingReferenceError) as info:
        view.get_one_required("g:s:k:a:1.0")
    assert info.value.source == "config.yml:3"
