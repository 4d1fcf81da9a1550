"""The reload plan: which entries a hot reload reconfigures, restarts, keeps, adds, removes.

The examples pin the rules one at a time; the properties draw random running configs
(with acyclic dependency edges, as a built container has) and random edits of them
(changed values, removed, added and moved entries), and check what any correct plan
must satisfy: every entry of both configs lands in exactly one group, matched entries
share their key in order of appearance, whatever depends on a closed component
restarts, and nothing is touched without a reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wirework.config import ComponentSpec, ConfigParams
from wirework.container._reload_plan import ReloadPlan, entry_key, plan_reload
from wirework.descriptor import Descriptor

settings.register_profile("wirework", max_examples=200, deadline=None)
settings.load_profile("wirework")


def spec(key: str, **values: Any) -> ComponentSpec:
    """An entry for ``key``: a descriptor, or ``type:module:Class``."""
    if key.startswith("type:"):
        own = {"type": key.removeprefix("type:")}
        return ComponentSpec(None, own["type"], ConfigParams({**own, **values}), "c.yml:1", key)
    own = {"descriptor": key}
    descriptor = Descriptor.from_string(key)
    return ComponentSpec(descriptor, None, ConfigParams({**own, **values}), "c.yml:1", key)


A, B, C, D = (f"app:thing:default:{name}:1.0" for name in "abcd")
LOG = "pip-services:logger:console:default:1.0"


def test_a_reconfigurable_entry_with_new_options_is_configured_in_place() -> None:
    plan = plan_reload(
        [spec(LOG, level="info")], {}, {0}, [spec(LOG, level="debug")], stopped=set()
    )
    assert plan == ReloadPlan(reconfigure=((0, 0),), restart=(), kept=(), removed=(), added=())


def test_the_same_change_restarts_an_entry_that_is_not_reconfigurable() -> None:
    plan = plan_reload(
        [spec(A, **{"options.x": 1})], {}, set(), [spec(A, **{"options.x": 2})], stopped=set()
    )
    assert plan.restart == ((0, 0),)
    assert plan.reconfigure == ()


def test_new_dependencies_restart_even_a_reconfigurable_entry() -> None:
    old = [spec(LOG, **{"dependencies.info": A})]
    new = [spec(LOG, **{"dependencies.info": B})]
    assert plan_reload(old, {}, {0}, new, stopped=set()).restart == ((0, 0),)


def test_a_restart_goes_down_the_chain_of_dependents_and_nowhere_else() -> None:
    old = [spec(A, **{"options.x": 1}), spec(B), spec(C), spec(D)]
    needs = {1: {0}, 2: {1}}  # c needs b needs a; d needs nothing
    new = [spec(A, **{"options.x": 2}), spec(B), spec(C), spec(D)]
    plan = plan_reload(old, needs, set(), new, stopped=set())
    assert plan.restart == ((0, 0), (1, 1), (2, 2))
    assert plan.kept == ((3, 3),)


def test_a_reconfigurable_dependent_of_a_restarted_entry_restarts() -> None:
    old = [spec(A, **{"options.x": 1}), spec(LOG, level="info")]
    new = [spec(A, **{"options.x": 2}), spec(LOG, level="debug")]
    plan = plan_reload(old, {1: {0}}, {1}, new, stopped=set())
    assert plan.restart == ((0, 0), (1, 1))
    assert plan.reconfigure == ()


def test_removing_an_entry_restarts_what_depended_on_it() -> None:
    old = [spec(A), spec(B), spec(C)]
    plan = plan_reload(old, {1: {0}}, set(), [spec(B), spec(C)], stopped=set())
    assert plan.removed == (0,)
    assert plan.restart == ((1, 0),)
    assert plan.kept == ((2, 1),)


def test_entries_with_the_same_key_are_matched_in_order_of_appearance() -> None:
    old = [spec(A, n=1), spec(A, n=2), spec(A, n=3)]
    new = [spec(A, n=1), spec(A, n=20)]
    plan = plan_reload(old, {}, set(), new, stopped=set())
    assert plan.kept == ((0, 0),)
    assert plan.restart == ((1, 1),)
    assert plan.removed == (2,)


def test_a_moved_entry_is_kept_under_its_new_index() -> None:
    old = [spec(A), spec("type:pkg.mod:Thing")]
    new = [spec("type:pkg.mod:Thing"), spec(B), spec(A)]
    plan = plan_reload(old, {}, set(), new, stopped=set())
    assert plan.kept == ((0, 2), (1, 0))
    assert plan.added == (1,)
    assert not plan.changes_nothing


def test_an_entry_that_is_not_running_starts_again_with_its_dependents() -> None:
    old = [spec(A), spec(B), spec(C)]
    plan = plan_reload(old, {1: {0}}, set(), list(old), stopped={0})
    assert plan.restart == ((0, 0), (1, 1))
    assert plan.kept == ((2, 2),)


def test_values_equal_in_python_but_of_another_type_are_a_change() -> None:
    plan = plan_reload([spec(A, flag=1)], {}, set(), [spec(A, flag=True)], stopped=set())
    assert plan.restart == ((0, 0),)


def test_the_file_and_line_of_an_entry_are_not_part_of_it() -> None:
    old = spec(A, n=1)
    moved = ComponentSpec(old.descriptor, None, ConfigParams(old.config), "other.yml:40", A, 40)
    assert plan_reload([old], {}, set(), [moved], stopped=set()).changes_nothing


# -- properties -------------------------------------------------------------------------

KEYS = (A, B, LOG, "type:pkg.mod:Thing")  # few keys, so that entries often share one
VALUES: Mapping[str, tuple[Any, ...]] = {
    "level": ("info", "debug"),
    "options.x": (1, True, 2, None),
    "dependencies.peer": (A, B),
}
values = st.dictionaries(st.sampled_from(sorted(VALUES)), st.none()).flatmap(
    lambda chosen: st.fixed_dictionaries({key: st.sampled_from(VALUES[key]) for key in chosen})
)
entries = st.tuples(st.sampled_from(KEYS), values)


Case = tuple[list[ComponentSpec], dict[int, set[int]], set[int], list[ComponentSpec], set[int]]


@st.composite
def reloads(draw: st.DrawFn) -> Case:
    running = draw(st.lists(entries, max_size=8))
    needs = {
        index: draw(st.sets(st.integers(0, index - 1))) if index else set()
        for index in range(len(running))
    }
    reconfigurable = draw(st.sets(st.integers(0, max(len(running) - 1, 0))))
    stopped = draw(st.sets(st.integers(0, max(len(running) - 1, 0)), max_size=2))
    edited = []
    for key, settings_of_entry in running:
        fate = draw(st.sampled_from(("keep", "change", "drop")))
        if fate == "keep":
            edited.append((key, settings_of_entry))
        elif fate == "change":
            edited.append((key, draw(values)))
    edited += draw(st.lists(entries, max_size=4))
    edited = draw(st.permutations(edited))
    return (
        [spec(key, **chosen) for key, chosen in running],
        needs,
        reconfigurable,
        [spec(key, **chosen) for key, chosen in edited],
        stopped,
    )


def typed(config: ConfigParams, keep: Any = lambda key: True) -> dict[str, tuple[type, Any]]:
    """The values that ``keep`` selects, with their types (``1`` is not ``True``)."""
    return {key: (type(value), value) for key, value in config.items() if keep(key)}


def same(old: ComponentSpec, new: ComponentSpec) -> bool:
    return typed(old.config) == typed(new.config)


def rewired(old: ComponentSpec, new: ComponentSpec) -> bool:
    """Whether the entry's identity or dependencies changed."""

    def wiring(key: str) -> bool:
        return key in ("descriptor", "type") or key.startswith("dependencies")

    return typed(old.config, wiring) != typed(new.config, wiring)


@given(reloads())
def test_every_entry_of_both_configs_is_in_exactly_one_group(case: Case) -> None:
    running, needs, reconfigurable, new, stopped = case
    plan = plan_reload(running, needs, reconfigurable, new, stopped=stopped)
    pairs = [*plan.reconfigure, *plan.restart, *plan.kept]
    assert sorted([old for old, _ in pairs] + list(plan.removed)) == list(range(len(running)))
    assert sorted([fresh for _, fresh in pairs] + list(plan.added)) == list(range(len(new)))


@given(reloads())
def test_entries_are_matched_by_key_in_order_of_appearance(case: Case) -> None:
    running, needs, reconfigurable, new, stopped = case
    plan = plan_reload(running, needs, reconfigurable, new, stopped=stopped)
    pairs = sorted([*plan.reconfigure, *plan.restart, *plan.kept], key=lambda pair: pair[1])
    for key in set(map(entry_key, running)) | set(map(entry_key, new)):
        old_of_key = [i for i, s in enumerate(running) if entry_key(s) == key]
        new_of_key = [i for i, s in enumerate(new) if entry_key(s) == key]
        matched = [(old, fresh) for old, fresh in pairs if entry_key(new[fresh]) == key]
        assert all(entry_key(running[old]) == key for old, _ in matched)
        count = min(len(old_of_key), len(new_of_key))
        assert matched == list(zip(old_of_key[:count], new_of_key[:count], strict=True))
    assert Counter(map(entry_key, (new[i] for i in plan.added))) + Counter(
        entry_key(new[fresh]) for _, fresh in pairs
    ) == Counter(map(entry_key, new))


@given(reloads())
def test_every_dependent_of_a_closed_entry_restarts(case: Case) -> None:
    running, needs, reconfigurable, new, stopped = case
    plan = plan_reload(running, needs, reconfigurable, new, stopped=stopped)
    closed = {old for old, _ in plan.restart} | set(plan.removed)
    for user, needed in needs.items():
        if needed & closed:
            assert user in closed


@given(reloads())
def test_nothing_is_touched_without_a_reason(case: Case) -> None:
    running, needs, reconfigurable, new, stopped = case
    plan = plan_reload(running, needs, reconfigurable, new, stopped=stopped)
    closed = {old for old, _ in plan.restart} | set(plan.removed)
    for old, fresh in plan.kept:
        assert same(running[old], new[fresh])
        assert old not in stopped
    for old, fresh in plan.reconfigure:
        assert not same(running[old], new[fresh])
        assert old not in stopped
        assert old in reconfigurable
        assert not rewired(running[old], new[fresh])
        assert not needs[old] & closed
    for old, fresh in plan.restart:
        changed_beyond_repair = not same(running[old], new[fresh]) and (
            old not in reconfigurable or rewired(running[old], new[fresh])
        )
        assert changed_beyond_repair or old in stopped or needs[old] & closed
