"""What each config entry put in the references, so a reload can take exactly that out.

Nearly always an entry put its own node's locator and component, so the node is the
record; only an entry whose stand-in another entry's node already runs (one override
for several entries) needs a pair of its own. A container keeps no table at all while
every entry is the first case.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wirework.container._graph import Node

Registration = Node | tuple[Any, Any]
"""What one entry put in the references: its node (locator and component), or, for an
entry whose stand-in another entry's node already runs, the (locator, stand-in) pair."""


def put_by(registration: Registration) -> tuple[Any, Any]:
    """The (locator, component) an entry put in the references."""
    if isinstance(registration, Node):
        return registration.locator, registration.component
    return registration


def unless_derivable(registered: dict[int, Registration]) -> dict[int, Registration] | None:
    """``None`` when every entry put its own node (no override shares one): a
    container of 10,000 components then keeps no second table of them."""
    if all(isinstance(put, Node) and put.index == index for index, put in registered.items()):
        return None
    return registered


def registrations(
    kept: dict[int, Registration] | None, nodes: Iterable[Node]
) -> dict[int, Registration]:
    """What each entry put, from what :func:`unless_derivable` kept."""
    return {node.index: node for node in nodes} if kept is None else kept
