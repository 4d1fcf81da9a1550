"""What a probe asks of a running service: is it alive, is it ready, and if not, why.

The container knows each component's lifecycle state; a component may add what only
it can know through an optional ``check_health()`` (a ping, a ``SELECT 1``). A report
is a frozen snapshot, so a probe served from another thread reads a consistent view,
and it turns into JSON as it is (``to_dict``) for ``/healthz`` and ``/readyz``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ComponentState = Literal["created", "opening", "open", "failed", "closing", "closed"]
Status = Literal["starting", "ready", "unhealthy", "stopping", "stopped"]


@dataclass(frozen=True, slots=True)
class ComponentHealth:
    """One component: its lifecycle state and, when it has ``check_health``, the result.

    ``healthy`` is ``None`` when the component has no check (or was not asked because
    it is not open); ``detail`` says why a check failed, with secrets masked.
    """

    label: str
    source: str | None
    state: ComponentState
    healthy: bool | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        """Open, and its check (if any) passed."""
        return self.state == "open" and self.healthy is not False

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.label,
            "source": self.source,
            "state": self.state,
            "healthy": self.healthy,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class HealthReport:
    """The whole container: ``status`` plus every component, in config order.

    ``ready`` is what ``/readyz`` answers (every component open and every check
    passing); ``live`` is what ``/healthz`` answers (the process still serves: it is
    not stopped).
    """

    status: Status
    components: tuple[ComponentHealth, ...] = ()

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    @property
    def live(self) -> bool:
        return self.status != "stopped"

    @property
    def failing(self) -> tuple[ComponentHealth, ...]:
        return tuple(c for c in self.components if not c.ok)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "components": [c.to_dict() for c in self.components]}


Phase = Literal["starting", "running", "stopping", "stopped"]


def overall(phase: Phase | str, components: tuple[ComponentHealth, ...]) -> Status:
    """The container's status from its phase and, while it runs, its components."""
    if phase == "running":
        return "ready" if all(c.ok for c in components) else "unhealthy"
    if phase == "starting":
        return "starting"
    if phase == "stopping":
        return "stopping"
    return "stopped"
