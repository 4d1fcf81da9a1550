"""Property test: ``References`` answers like a plain list scanned newest first.

``get_one_*`` answer exact lookups from a table that puts and removes keep up to date
(and that lookups fill back in); ``find`` goes through indexes. Whatever mix of exact
and wildcard registrations, removals and lookups hypothesis draws, every answer must
equal that of the model below: every entry in registration order, a lookup matching
field by field with ``*`` matching anything on either side, newest first. Lookups are
drawn among the operations, not only checked at the end, so the table is read while
partly filled, emptied by a wildcard registration, filled again and so on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirework.descriptor import Descriptor
from wirework.errors import MissingReferenceError
from wirework.refer import References, ReferencesView

settings.register_profile("wirework", max_examples=200, deadline=None)
settings.load_profile("wirework")

# Few values per field, so exact keys repeat and wildcards often match them.
FIELDS = (("g", "h"), ("a", "b"), ("k",), ("n1", "n2", "n3"), ("1", "2"))
exact = st.tuples(*(st.sampled_from(values) for values in FIELDS)).map(lambda f: Descriptor(*f))
any_key = st.tuples(*(st.sampled_from((*values, "*")) for values in FIELDS)).map(
    lambda f: Descriptor(*f)
)
EVERY_EXACT = [
    Descriptor(g, t, k, n, v)
    for g in FIELDS[0]
    for t in FIELDS[1]
    for k in FIELDS[2]
    for n in FIELDS[3]
    for v in FIELDS[4]
]


@dataclass
class Model:
    """The registry as a list, the way Pip.Services keeps it."""

    entries: list[tuple[Descriptor, object]] = field(default_factory=list)

    def find(self, key: Descriptor) -> list[object]:
        return [c for d, c in reversed(self.entries) if key.match(d)]

    def remove(self, key: Descriptor) -> object | None:
        for i in range(len(self.entries) - 1, -1, -1):
            if key.match(self.entries[i][0]):
                return self.entries.pop(i)[1]
        return None

    def remove_component(self, key: Descriptor, component: object) -> bool:
        for i in range(len(self.entries) - 1, -1, -1):
            d, c = self.entries[i]
            if c is component and d == key:
                del self.entries[i]
                return True
        return False


@dataclass(frozen=True)
class Component:
    """Distinct, printable components; ``shared`` ones are registered twice."""

    number: int


operations = st.lists(
    st.one_of(
        st.tuples(st.just("put"), any_key, st.integers(0, 3)),
        st.tuples(st.just("put"), exact, st.integers(0, 3)),
        st.tuples(st.just("put_under"), st.integers(0, 3), exact),  # matches a recent key
        st.tuples(st.just("remove"), any_key),
        st.tuples(st.just("remove_all"), any_key),
        st.tuples(st.just("remove_component"), any_key, st.integers(0, 40)),
        st.tuples(st.just("lookup"), exact),
        st.tuples(st.just("lookup"), any_key),
        st.tuples(st.just("lookup_put"), st.integers(0, 3)),  # a key registered lately
    ),
    max_size=40,
)


def check_lookup(refs: References, model: Model, key: Descriptor) -> None:
    expected = model.find(key)
    assert refs.find(key, False) == expected
    check_one(refs, key, expected[0] if expected else None)


def check_one(refs: Any, key: Descriptor, newest: object | None) -> None:
    """``get_one_*`` of ``key``, as a ``Descriptor`` and as a string, answer ``newest``
    (``None``: optional answers ``None``, required raises)."""
    for locator in (key, str(key)):
        assert refs.get_one_optional(locator) is newest
        if newest is None:
            with pytest.raises(MissingReferenceError):
                refs.get_one_required(locator)
        else:
            assert refs.get_one_required(locator) is newest


@given(operations)
def test_every_answer_matches_a_newest_first_scan(ops: list[tuple[Any, ...]]) -> None:
    refs, model = References(), Model()
    made: list[Component] = []
    put: list[Descriptor] = []
    for op in ops:
        match op:
            case ("put", key, reuse):
                # reuse > 0 registers a component already registered, when there is one
                component = made[-reuse] if 0 < reuse <= len(made) else Component(len(made))
                made.append(component)
                put.append(key)
                refs.put(key, component)
                model.entries.append((key, component))
            case ("put_under", index, filler):
                base = put[-1 - index % len(put)] if put else filler
                key = Descriptor(*(f if b == "*" else b for b, f in zip(base, filler, strict=True)))
                made.append(Component(len(made)))
                put.append(key)
                refs.put(key, made[-1])
                model.entries.append((key, made[-1]))
            case ("remove", key):
                assert refs.remove(key) is model.remove(key)
            case ("remove_all", key):
                expected = model.find(key)
                model.entries = [(d, c) for d, c in model.entries if not key.match(d)]
                assert refs.remove_all(key) == expected
            case ("remove_component", key, index):
                component = made[index] if index < len(made) else Component(-1)
                assert refs.remove_component(key, component) is model.remove_component(
                    key, component
                )
            case ("lookup", key):
                check_lookup(refs, model, key)
            case ("lookup_put", index):
                if put:
                    check_lookup(refs, model, put[-1 - index % len(put)])
        for key in put[-2:]:  # the keys just registered, with whatever matches them now
            check_lookup(refs, model, key)
    for key in EVERY_EXACT:
        check_lookup(refs, model, key)
    assert refs.get_all() == [c for _, c in model.entries]


def test_a_newer_wildcard_entry_shadows_an_exact_answer_already_given() -> None:
    refs = References()
    refs.put("pip-services:context-info:default:*:1.0", "default-info")
    refs.put("g:s:k:a:1.0", "exact")
    assert refs.get_one_required("g:s:k:a:1.0") == "exact"  # newer than the wildcard
    refs.put("g:s:*:*:1.0", "wild")
    assert refs.get_one_required("g:s:k:a:1.0") == "wild"
    assert refs.get_one_required("g:s:k:b:1.0") == "wild"
    refs.remove_component("g:s:*:*:1.0", "wild")
    assert refs.get_one_required(Descriptor("g", "s", "k", "a", "1.0")) == "exact"
    refs.put("g:s:k:a:1.0", "newer")
    assert refs.get_one_required("g:s:k:a:1.0") == "newer"
    refs.remove("g:s:k:a:1.0")
    assert refs.get_one_required("g:s:k:a:1.0") == "exact"
    refs.remove("g:s:k:a:1.0")
    assert refs.get_one_optional("g:s:k:a:1.0") is None
    context = "pip-services:context-info:default:default:1.0"
    assert refs.get_one_required(context) == "default-info"


def test_view_skips_its_owner_even_when_it_is_the_fast_answer() -> None:
    refs = References()
    other, owner = object(), object()
    refs.put("pip-services:context-info:default:*:1.0", "info")
    refs.put("g:logger:console:default:1.0", other)
    refs.put("g:logger:console:default:1.0", owner)
    assert refs.get_one_required("g:logger:console:default:1.0") is owner
    view = ReferencesView(refs, owner, "g:logger:console:default:1.0", None)
    assert view.get_one_required("g:logger:console:default:1.0") is other


def test_missing_required_error_has_no_lookup_internals_attached() -> None:
    refs = References.from_tuples("g:s:k:a:1.0", "a")
    with pytest.raises(MissingReferenceError) as info:
        refs.get_one_required("g:s:k:b:1.0")
    assert info.value.__context__ is None


def test_readers_see_old_or_new_answers_while_writers_register() -> None:
    """Lock-free readers during puts of exact and wildcard entries and removals: each
    answer is a component registered under a matching locator, and a key that always
    has a match is always found."""
    refs = References()
    key = Descriptor("g", "s", "k", "a", "1.0")
    refs.put(key, ("exact", -1))
    stop = threading.Event()
    seen: list[object] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            while not stop.is_set():
                seen.append(refs.get_one_required(key))
                seen.append(refs.get_one_required("g:s:k:a:1.0"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    for i in range(2_000):
        refs.put(key if i % 3 else "g:*:*:*:1.0", ("exact" if i % 3 else "wild", i))
        if i % 5 == 0:
            refs.remove("g:s:k:a:1.0")  # newest match; the first entry is never reached
            refs.put(key, ("exact", i))
    stop.set()
    for reader in readers:
        reader.join()
    assert not errors
    assert seen
    assert all(kind in ("exact", "wild") for kind, _ in seen)  # type: ignore[misc]
