"""What a hot reload has to do, worked out from two configs before anything is touched.

Kept apart from the container and free of I/O so that the rules can be tested on their
own against random configs and edits: a reload that restarts too little leaves a
component holding a closed dependency, one that restarts too much throws away state
(a memory store's data) for nothing.

Entries of the running and the new config are matched by descriptor, or by ``type:``
when an entry has none; several entries with the same key are matched in order of
appearance. A matched entry whose config values are equal is unchanged. A changed one
is configured again in place when its component is reconfigurable and the change
touches neither its identity (``descriptor``/``type``) nor its ``dependencies.*``;
any other changed entry restarts. So does every entry that depends, directly or
through others, on one that restarts or is removed: it holds a reference to an
object that is about to be closed. An entry whose component is not running (a reload
whose open failed left it closed) starts again, changed or not. Unchanged entries
keep their components and the references those looked up; an added entry is seen by
the components this reload creates, not by the ones it keeps.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from wirework.config import ComponentSpec

Pair = tuple[int, int]  # (index in the running config, index in the new config)

_IDENTITY = frozenset({"descriptor", "type"})


@dataclass(frozen=True, slots=True)
class ReloadPlan:
    """Every entry of both configs in exactly one group, each sorted by index."""

    reconfigure: tuple[Pair, ...]  # changed, configured again while open
    restart: tuple[Pair, ...]  # closed, then created again from the new entry
    kept: tuple[Pair, ...]  # unchanged and untouched (the new index may differ)
    removed: tuple[int, ...]  # running entries the new config no longer has
    added: tuple[int, ...]  # new entries the running config did not have

    @property
    def changes_nothing(self) -> bool:
        return not (self.reconfigure or self.restart or self.removed or self.added)


def entry_key(spec: ComponentSpec) -> str:
    """What matches an entry across configs: its descriptor, else its type."""
    return str(spec.descriptor) if spec.descriptor is not None else f"type:{spec.type}"


def changed_keys(old: Mapping[str, object], new: Mapping[str, object]) -> set[str]:
    """The dotted keys whose values differ, or that only one side has.

    Values compare by type and ``repr``, not ``==``: ``1`` and ``true`` are different
    settings though Python finds them equal, and a ``.nan`` equals itself.
    """
    return {
        key
        for key in old.keys() | new.keys()
        if key not in old
        or key not in new
        or type(old[key]) is not type(new[key])
        or repr(old[key]) != repr(new[key])
    }


def plan_reload(
    running: Sequence[ComponentSpec],
    needs: Mapping[int, Set[int]],
    reconfigurable: Set[int],
    new: Sequence[ComponentSpec],
    *,
    stopped: Set[int],
) -> ReloadPlan:
    """The plan for going from ``running`` to ``new``.

    ``needs`` maps a running entry's index to the indexes it depends on (as
    ``Node.needs``); ``reconfigurable`` holds the running indexes whose component
    may be configured again while open; ``stopped`` those whose component is not open.
    """
    pairs = _match(running, new)
    matched_old = {old for old, _ in pairs}
    removed = [index for index in range(len(running)) if index not in matched_old]
    matched_new = {fresh for _, fresh in pairs}
    added = [index for index in range(len(new)) if index not in matched_new]

    in_place: dict[int, int] = {}
    unchanged: dict[int, int] = {}
    restart: dict[int, int] = {}
    for old, fresh in pairs:
        keys = changed_keys(running[old].config, new[fresh].config)
        if old in stopped:
            restart[old] = fresh
        elif not keys:
            unchanged[old] = fresh
        elif old in reconfigurable and not any(_rewires(key) for key in keys):
            in_place[old] = fresh
        else:
            restart[old] = fresh

    # Whatever depends on a closed component restarts, and so on down the graph.
    users: dict[int, list[int]] = defaultdict(list)
    for user, needed in needs.items():
        for index in needed:
            users[index].append(user)
    closing = deque([*restart, *removed])
    while closing:
        for user in users[closing.popleft()]:
            for group in (unchanged, in_place):
                if user in group:
                    restart[user] = group.pop(user)
                    closing.append(user)

    return ReloadPlan(
        reconfigure=tuple(sorted(in_place.items())),
        restart=tuple(sorted(restart.items())),
        kept=tuple(sorted(unchanged.items())),
        removed=tuple(removed),
        added=tuple(added),
    )


def _match(running: Sequence[ComponentSpec], new: Sequence[ComponentSpec]) -> list[Pair]:
    """Pairs of entries with the same key, the n-th running one with the n-th new one."""
    waiting: dict[str, deque[int]] = defaultdict(deque)
    for index, spec in enumerate(running):
        waiting[entry_key(spec)].append(index)
    pairs: list[Pair] = []
    for index, spec in enumerate(new):
        candidates = waiting.get(entry_key(spec))
        if candidates:
            pairs.append((candidates.popleft(), index))
    return pairs


def _rewires(key: str) -> bool:
    """Whether a change of ``key`` needs a new component or new wiring."""
    return key in _IDENTITY or key == "dependencies" or key.startswith("dependencies.")
