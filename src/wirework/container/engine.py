"""The lifecycle engine: open in order, and unwind (close, unwire) whatever happens.

One engine serves ``open``, ``close``, ``check`` and every failure path, so the rules
exist once: close is the exact reverse of the opens that succeeded, then unwiring in
reverse; nothing stops an unwind (exceptions are collected); a ``BaseException``
(Ctrl-C, ``SystemExit``, a start-up interrupt) is re-raised once everything is done,
and it wins over any ``Exception``, so that no ``except Exception`` can swallow a
Ctrl-C. A later runtime (parallel or async start) grows from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

from wirework.container.graph import Node
from wirework.container.interrupt import Interruption
from wirework.errors import LifecycleError
from wirework.lifecycle import capabilities

__all__ = ["failed", "open_all", "raise_failures", "unwind", "unwind_then_raise"]


def open_all(
    order: Sequence[Node],
    opened: list[Node],
    correlation_id: str | None,
    interruption: Interruption | None,
) -> None:
    """Open every openable node of ``order``, appending each to ``opened`` once open.

    Stops at the first failure, without unwinding: an ``Exception`` from an ``open``
    becomes a :class:`LifecycleError` naming the component; anything else is raised
    as itself, with a note saying which open it interrupted. A component whose open
    failed is not closed, unless a ``BaseException`` cut its open short after it had
    opened (it says so through ``is_open()``): an interrupt gives it no chance to
    clean up after itself, so the rollback does.
    """
    current: Node | None = None
    try:
        for node in order:
            if interruption is not None:
                interruption.check()
            if capabilities(node.component).openable:
                current = node
                node.component.open(correlation_id)
                opened.append(node)
                current = None
        if interruption is not None:
            interruption.check()
    except Exception as exc:
        if current is None:
            raise
        raise failed("open", current.label, current.source, exc) from exc
    except BaseException as exc:
        if current is not None:
            exc.add_note(f"during open of {current.where()}")
            recorded = bool(opened) and opened[-1] is current  # cut short after the append
            if not recorded and _reports_open(current):
                opened.append(current)
        raise


def unwind(
    correlation_id: str | None, opened: list[Node], wired: Sequence[Node]
) -> tuple[list[LifecycleError], BaseException | None]:
    """Close ``opened`` (emptied from its end as each closes), then unwire ``wired``,
    both in reverse; returns the errors and the first ``BaseException`` met."""
    failures: list[LifecycleError] = []
    interrupts: list[BaseException] = []
    while opened:
        _attempt("close", opened[-1], failures, interrupts, correlation_id)
        opened.pop()
    for node in reversed(wired):
        if capabilities(node.component).unreferenceable:
            _attempt("unset_references", node, failures, interrupts)
    return failures, interrupts[0] if interrupts else None


def unwind_then_raise(
    correlation_id: str | None, opened: list[Node], wired: Sequence[Node], error: BaseException
) -> NoReturn:
    """Roll back after ``error``, then raise it, or the interrupt the rollback met."""
    closed = [node.label for node in reversed(opened)]
    failures, interrupt = unwind(correlation_id, opened, wired)
    error.add_note(
        f"closed in rollback: {', '.join(closed)}" if closed else "nothing was open to roll back"
    )
    for failure in failures:
        error.add_note(f"while rolling back: {failure}")
    if interrupt is not None and isinstance(error, Exception):
        interrupt.add_note(f"while rolling back after: {error}")
        raise interrupt
    if interrupt is not None:
        error.add_note(f"while rolling back: {type(interrupt).__name__}: {interrupt}")
    raise error


def raise_failures(
    message: str, failures: list[LifecycleError], interrupt: BaseException | None
) -> None:
    """After an unwind: the interrupt if there was one, else every error together."""
    if interrupt is not None:
        for failure in failures:
            interrupt.add_note(f"also: {failure}")
        raise interrupt
    if failures:
        raise ExceptionGroup(message, failures)


def failed(step: str, label: str, source: str | None, cause: Exception) -> LifecycleError:
    """The error for a component's failed lifecycle ``step``, chained to its cause."""
    error = LifecycleError(
        f"{step} failed: {type(cause).__name__}: {cause}", component=label, source=source
    )
    error.__cause__ = cause
    return error


def _reports_open(node: Node) -> bool:
    try:
        return bool(node.component.is_open())
    except Exception:
        return False  # a component that cannot tell is left as a failed open


def _attempt(
    step: str,
    node: Node,
    failures: list[LifecycleError],
    interrupts: list[BaseException],
    *args: Any,
) -> None:
    """Call the component's ``step`` method; record what it raises instead of stopping."""
    try:
        getattr(node.component, step)(*args)
    except Exception as exc:
        failures.append(failed(step, node.label, node.source, exc))
    except BaseException as exc:
        exc.add_note(f"during {step} of {node.where()}")
        if interrupts:
            interrupts[0].add_note(f"then {type(exc).__name__} during {step} of {node.where()}")
        else:
            interrupts.append(exc)
