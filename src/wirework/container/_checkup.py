"""A health report: each component's state, and what its own ``check_health`` says.

Apart from the container because a probe asks from its own thread at any time, so the
report works on a snapshot (the nodes and the config they index, taken together) and
holds no lock: the checks run in parallel, each within its ``health_timeout``, while
the container goes on starting, stopping or reloading.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wirework.config import ComponentSpec
from wirework.config._secrets import redact, secret_values
from wirework.container._engine import Bounds
from wirework.container._graph import Node
from wirework.container._health import ComponentHealth, HealthReport, Phase, overall
from wirework.container._loops import Loops
from wirework.container._runtime import Pass
from wirework.lifecycle import capabilities


def check_up(
    nodes: list[Node],
    config: list[ComponentSpec],
    phase: Phase | str,
    bounds: Bounds,
    loops: Loops,
    correlation_id: str | None,
) -> HealthReport:
    """The report for ``nodes`` (whose indexes point into ``config``) in ``phase``."""
    checked = [n for n in nodes if n.state == "open" and capabilities(n.component).health_checkable]
    errors: dict[int, BaseException | None] = {}
    if checked and phase == "running":
        run = Pass(
            "check_health",
            checked,
            waits_for=lambda node: [],
            applies=lambda node: True,
            limits=bounds.limiter("check_health", lambda node: config[node.index].config),
            parallel=min(len(checked), 16),
            loops=loops,
            args=(correlation_id,),
            states=None,
            keep_going=True,
        )
        run.wait()
        errors = {id(n): run.errors.get(id(n)) for n in checked}
        timed_out = {failure.component: failure for failure in run.failures}
        for node in run.abandoned:  # no error of its own: the timeout is what it says
            errors[id(node)] = timed_out.get(node.label)
    components = tuple(_component_health(n, errors, config[n.index].config) for n in nodes)
    return HealthReport(overall(phase, components), components)


def _component_health(
    node: Node, errors: Mapping[int, BaseException | None], config: Mapping[str, Any]
) -> ComponentHealth:
    if id(node) not in errors:
        return ComponentHealth(node.label, node.source, node.state)
    error = errors[id(node)]
    detail = None
    if error is not None:  # a driver's message may quote a URI: mask the entry's secrets
        detail = redact(f"{type(error).__name__}: {error}", secret_values(config))
    return ComponentHealth(node.label, node.source, node.state, error is None, detail)
