"""``Override``: one component swapped for a replacement, until it is reset.

Overrides must be undone exactly, whatever else happened meanwhile: several
overrides ending out of order, dependency-injector overrides made by someone else,
components registered after it. So each override remembers precisely the stand-in
providers and the reference entries it added, and removes only those.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any, cast

from dependency_injector import providers

from wirework.descriptor import Descriptor
from wirework.di._container import ComponentEntry
from wirework.refer import References


class Override:
    """An active override; a context manager that restores on exit."""

    def __init__(
        self,
        lock: threading.RLock,
        references: References,
        locator: str,
        replacement: Any,
        entries: list[ComponentEntry],
    ) -> None:
        self.locator = locator
        self.replacement = replacement
        self.entries = tuple(entries)
        self._lock = lock
        self._references = references
        self._stand_ins: list[tuple[providers.Provider[Any], providers.Provider[Any]]] = []
        self._registered: list[Descriptor | type] = []
        with lock:
            for entry in entries:
                stand_in: providers.Provider[Any] = providers.Object(replacement)
                entry.provider.override(stand_in)
                self._stand_ins.append((entry.provider, stand_in))
            for key in dict.fromkeys(entry.locator for entry in entries):
                references.put(key, replacement)
                self._registered.append(key)
        self.active = True

    def reset(self) -> None:
        """Undo this override exactly (idempotent)."""
        with self._lock:
            if not self.active:
                return
            self.active = False
            for key in reversed(self._registered):
                self._references.remove_component(key, self.replacement)
            for provider, stand_in in reversed(self._stand_ins):
                _withdraw_override(provider, stand_in)

    def __enter__(self) -> Any:
        return self.replacement

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.reset()

    def __repr__(self) -> str:
        state = "active" if self.active else "reset"
        return f"<Override {self.locator} ({len(self.entries)} components, {state})>"


def _withdraw_override(provider: providers.Provider[Any], stand_in: Any) -> None:
    """Remove ``stand_in`` from ``provider``'s overriding stack, keeping later ones.

    ``reset_last_overriding`` only pops the top, which would drop someone else's
    override when overrides end out of order.
    """
    with cast(Any, providers.Provider).overriding_lock:
        stack = provider.overridden
        positions = [i for i, p in enumerate(stack) if p is stand_in]
        if not positions:
            return
        later = stack[positions[-1] + 1 :]
        for _ in range(len(later) + 1):
            provider.reset_last_overriding()
        for again in later:
            provider.override(again)
