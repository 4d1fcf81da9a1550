"""The dependency graph of a container: open order, cycle detection, rendering.

Edges come from what each component looked up while being wired and from its
``dependencies:`` section. The open order is topological and otherwise keeps config
order, so a config that already lists dependencies first opens exactly as written.
"""

from __future__ import annotations

import heapq
from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any

from wirework.container._health import ComponentState
from wirework.errors import ConfigError, CycleError

NO_NEEDS: frozenset[int] = frozenset()  # shared by every node that needs nothing

FORMATS = ("text", "mermaid", "dot")


@dataclass(eq=False, slots=True)
class Node:
    """One managed component."""

    index: int  # position of its entry in the config
    label: str
    source: str | None
    component: Any
    locator: Any = None  # what it is registered under: a Descriptor, or its class
    needs: Set[int] = field(default_factory=set)  # the container gives a new set or NO_NEEDS
    state: ComponentState = "created"

    def where(self) -> str:
        return f"{self.label} ({self.source})" if self.source else self.label


class Graph:
    """Components as nodes; ``node.needs`` holds the indexes it depends on."""

    def __init__(self, nodes: list[Node]) -> None:
        self.nodes = nodes
        self.by_index = {node.index: node for node in nodes}

    def order(self) -> list[Node]:
        """Dependencies before dependents, config order among independent nodes."""
        waiting = {node.index: len(node.needs) for node in self.nodes}
        users: dict[int, list[int]] = {node.index: [] for node in self.nodes}
        for node in self.nodes:
            for need in node.needs:
                users[need].append(node.index)
        ready = [index for index, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        by_index = self.by_index
        order: list[Node] = []
        while ready:
            index = heapq.heappop(ready)
            order.append(by_index[index])
            for user in users[index]:
                waiting[user] -= 1
                if waiting[user] == 0:
                    heapq.heappush(ready, user)
        if len(order) < len(self.nodes):
            raise self._cycle({i for i, count in waiting.items() if count > 0}, by_index)
        return order

    def _cycle(self, stuck: set[int], by_index: dict[int, Node]) -> CycleError:
        """Walk needs inside the stuck set until a node repeats: that is the loop."""
        start = min(stuck)
        path: list[int] = []
        seen: dict[int, int] = {}
        current = start
        while current not in seen:
            seen[current] = len(path)
            path.append(current)
            current = min(n for n in by_index[current].needs if n in stuck)
        loop = [*path[seen[current] :], current]
        drawn = "\n  -> ".join(by_index[i].where() for i in loop)
        return CycleError(
            f"dependency cycle:\n  {drawn}",
            component=by_index[loop[0]].label,
            source=by_index[loop[0]].source,
            hint="break the loop: one side can look the other up lazily, after open",
        )

    def render(self, fmt: str = "text") -> str:
        """The graph as text, Mermaid or DOT; labels are escaped for each format.

        A label is a descriptor or a type from the config, which may hold anything
        YAML can quote; unescaped, a quote or a newline in it would end the label and
        let the rest add statements to the diagram.
        """
        order = self.order()
        if fmt == "text":
            lines = []
            for position, node in enumerate(order, 1):
                lines.append(f"{position:>3}. {_printable(node.where())}")
                lines.extend(
                    f"       needs {_printable(self.by_index[i].label)}" for i in sorted(node.needs)
                )
            return "\n".join(lines)
        if fmt == "mermaid":
            lines = ["graph TD"]
            lines += [f'  n{n.index}["{_mermaid(n.label)}"]' for n in order]
            lines += [f"  n{n.index} --> n{i}" for n in order for i in sorted(n.needs)]
            return "\n".join(lines)
        if fmt == "dot":
            lines = ["digraph wirework {", "  rankdir=LR;"]
            lines += [f'  n{n.index} [label="{_dot(n.label)}"];' for n in order]
            lines += [f"  n{n.index} -> n{i};" for n in order for i in sorted(n.needs)]
            return "\n".join([*lines, "}"])
        raise ConfigError(f"unknown graph format {fmt!r}; expected one of {', '.join(FORMATS)}")


_MERMAID_PLAIN = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 :*._-/@,+="
)


def _printable(text: str) -> str:
    """One line of text: control characters as their escapes (a newline cannot fake a row)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _mermaid(label: str) -> str:
    """Anything but plain characters as a Mermaid entity code (``#34;``), so it stays text."""
    return "".join(c if c in _MERMAID_PLAIN else f"#{ord(c)};" for c in label)


def _dot(label: str) -> str:
    """A DOT quoted-string body: backslash and quote escaped, control characters spelled out."""
    escaped = label.replace("\\", "\\\\").replace('"', '\\"')
    return _printable(escaped)
