"""A flat config (``ConfigParams``' dotted keys) as the nested value pydantic validates.

Null values are dropped (a key set to null means "not given", as ``configure`` always
read it), lists come back from their index keys, and the container's own keys are
kept apart. This runs for every entry of a config, so each key's parts are worked out
once per process and the list pass runs only for an entry that has an index key. A
key nested deeper than :data:`MAX_DEPTH` is refused rather than recursed through.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wirework.config.schema._entry import EntryKeys

ENTRY_KEYS = frozenset(EntryKeys.model_fields)
# Checked before the schema: the loader refuses a bad descriptor or type, and a
# dependencies section that is not a map (it sees the YAML, so a name "0" is no list
# index); the container reads each dependency's descriptor, naming its line.
LOADER_CHECKED = frozenset({"descriptor", "type", "dependencies"})
MAX_DEPTH = 32  # levels of a key
_KEY = reprlib.Repr()
_KEY.maxstring = 60


def short_key(key: str) -> str:
    """``key`` for a message: clipped, control characters escaped."""
    return _KEY.repr(key)[1:-1]


def nest_plain(flat: Mapping[str, Any]) -> dict[str, Any] | None:
    """The component's own keys of ``flat`` nested, when that is plain: no null value,
    list index, clash or container key to check (see :data:`LOADER_CHECKED`). Entries of
    a config mostly share their keys, so how to nest a set of keys is worked out once (a
    :class:`_Plan`) and replayed. ``None``: use :class:`Split`."""
    values = list(flat.values())
    if None in values:
        return None
    plan = _plan(tuple(flat))
    if plan is None or plan.unchecked_entry_keys:
        return None
    nested: dict[str, Any] = {}
    for position, parents, leaf in plan.steps:
        node = nested
        for part in parents:
            node = node.get(part) or node.setdefault(part, {})
        node[leaf] = values[position]
    return nested


class Split:
    """Any flat config as the nested value pydantic validates, the container's keys
    kept apart (unless ``apart`` is false; without ``nest`` only they are collected).

    Null values are dropped (not given), lists come back from their index keys, and a
    key that is both a value and a section, or is too deep, is recorded in ``clash``.
    Sections are told from map values by identity.
    """

    __slots__ = ("clash", "entry", "nested")

    def __init__(self, flat: Mapping[str, Any], *, apart: bool = True, nest: bool = True) -> None:
        self.entry: dict[str, Any] = {}  # the container's keys left to check, still flat
        self.nested: dict[str, Any] = {}
        self.clash: str | None = None  # a key given as value and section, or too deep
        self._walk(flat, apart, nest)

    def _walk(self, flat: Mapping[str, Any], apart: bool, nest: bool) -> None:
        sections: set[int] | None = None  # ids of the maps made here, not map values
        indexed = False
        known = _KEYS
        for key, value in flat.items():
            if value is None:
                continue
            head, parents, leaf, has_index = known.get(key) or _parts(key)
            if len(parents) >= MAX_DEPTH:
                self.clash = self.clash or key
                continue
            if apart and head in ENTRY_KEYS:
                if head not in LOADER_CHECKED:
                    self.entry[key] = value
                continue
            if not nest:
                continue
            indexed = indexed or has_index
            node = self.nested
            if parents:
                if sections is None:
                    sections = {id(node)}
                for depth, part in enumerate(parents):
                    child = node.get(part)
                    if child is None or id(child) not in sections:
                        if child is not None and child != {}:
                            self.clash = self.clash or ".".join(parents[: depth + 1])
                            break
                        node[part] = child = {}  # absent, or an empty map value
                        sections.add(id(child))
                    node = child
                else:
                    if leaf in node and id(node[leaf]) in sections:
                        self.clash = self.clash or key
                    node[leaf] = value
            elif sections is not None and leaf in node and id(node[leaf]) in sections:
                self.clash = self.clash or key
            else:
                node[leaf] = value
        if indexed:
            _lists_within(self.nested)


def entry_keys_to_check(flat: Mapping[str, Any]) -> bool:
    """Whether ``flat`` has container keys the loader has not checked (``alias``), or
    keys too odd to tell without the general walk."""
    plan = _plan(tuple(flat))
    return plan is None or plan.unchecked_entry_keys


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to nest a config with exactly these keys, none of them odd."""

    steps: tuple[tuple[int, tuple[str, ...], str], ...]  # (position, parents, leaf)
    unchecked_entry_keys: bool  # it has container keys the loader did not check


_PLANS: dict[tuple[str, ...], _Plan | None] = {}


def _plan(keys: tuple[str, ...]) -> _Plan | None:
    """The plan for ``keys``, remembered (bounded); ``None`` when one is too deep, is a
    list index, or is both a value and a section: those take the general walk."""
    try:
        return _PLANS[keys]
    except KeyError:
        pass
    steps: list[tuple[int, tuple[str, ...], str]] = []
    unchecked = False
    sections: set[tuple[str, ...]] = set()
    values: set[tuple[str, ...]] = set()
    plan: _Plan | None = None
    for position, key in enumerate(keys):
        head, parents, leaf, has_index = _parts(key)
        if len(parents) >= MAX_DEPTH or has_index:
            break
        if head in ENTRY_KEYS:
            unchecked = unchecked or head not in LOADER_CHECKED
            continue
        steps.append((position, parents, leaf))
        sections.update(parents[:depth] for depth in range(1, len(parents) + 1))
        values.add((*parents, leaf))
    else:
        if not sections & values:
            plan = _Plan(tuple(steps), unchecked)
    if len(_PLANS) >= 1024:
        _PLANS.clear()
    _PLANS[keys] = plan
    return plan


def clash_message(key: str) -> str:
    if key.count(".") >= MAX_DEPTH:
        return f"{short_key(key)} is nested more than {MAX_DEPTH} levels deep"
    return f"{short_key(key)} is given both as a value and as a section of keys"


_KEYS: dict[str, tuple[str, tuple[str, ...], str, bool]] = {}


def _parts(key: str) -> tuple[str, tuple[str, ...], str, bool]:
    """``(head, parents, leaf, has an index part)`` of a dotted key, remembered (keys
    repeat in every entry); the memo is bounded so hostile configs cannot grow it."""
    found = _KEYS.get(key)
    if found is None:
        *parents, leaf = key.split(".")
        head = parents[0] if parents else leaf
        found = (head, tuple(parents), leaf, any(p.isdigit() for p in (*parents, leaf)))
        if len(_KEYS) >= 4096:
            _KEYS.clear()
        _KEYS[key] = found
    return found


def _lists_within(node: dict[str, Any]) -> None:
    """Every map below ``node`` whose keys are exactly ``0..n-1`` made a list again."""
    for key, value in node.items():
        if isinstance(value, dict):
            _lists_within(value)
            if value and all(k == str(i) for i, k in enumerate(value)):
                node[key] = list(value.values())
