"""The lifecycle rules, written once for start, stop, rollback and health.

Start: every component opens once everything it needs is open, up to ``parallel`` at
a time, each attempt within its ``open_timeout``, retried ``open_retries`` times.
Stop: close in the exact reverse of the order the opens completed, one at a time,
each within its ``close_timeout`` and all within the shutdown budget; a close that
hangs is abandoned, named, and the others still close; then unwire in reverse.
Nothing stops an unwind (errors are collected); a ``BaseException`` (Ctrl-C,
``SystemExit``, an interrupted start) is re-raised once everything is done, and it
wins over any ``Exception``, so that no ``except Exception`` can swallow a Ctrl-C.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from wirework.config import ComponentSpec, ConfigParams
from wirework.container._graph import Node
from wirework.container._interrupt import Interrupted, Interruption
from wirework.container._loops import Loops
from wirework.container._runtime import Limits, Pass, failed
from wirework.errors import InvalidArgumentError, LifecycleError
from wirework.lifecycle import capabilities

ConfigOf = Callable[[Node], ConfigParams]


@dataclass(frozen=True, slots=True)
class Bounds:
    """The container's defaults, in seconds (``None``: unbounded); entries override
    the timeouts with keys in milliseconds."""

    parallel: int = 8
    open_timeout: float | None = 60.0
    close_timeout: float | None = 10.0
    shutdown_timeout: float | None = 25.0
    health_timeout: float | None = 5.0

    def limiter(self, step: str, config_of: ConfigOf) -> Callable[[Node], Limits]:
        """Each node's limits for ``step`` (open, close or check_health): the
        container's, unless its entry sets its own."""
        key = _TIMEOUT_KEYS[step]
        own_keys = (key, "open_retries", "open_backoff") if step == "open" else (key,)
        timeout = getattr(self, key)
        default = Limits(timeout, 0, 1.0) if step == "open" else Limits(timeout)

        def limits(node: Node) -> Limits:
            config = config_of(node)
            for name in own_keys:
                if name in config:
                    return _own(config, key, default, step == "open")
            return default  # most entries: no bounds of their own

        return limits


def _own(config: ConfigParams, key: str, default: Limits, retrying: bool) -> Limits:
    """An entry's own limits; only an open is retried."""
    given = config.get(key)
    timeout = given / 1000 if isinstance(given, int) else default.timeout
    if not retrying:
        return Limits(timeout)
    retries, backoff = config.get("open_retries"), config.get("open_backoff")
    return Limits(
        timeout,
        retries if isinstance(retries, int) else default.retries,
        backoff / 1000 if isinstance(backoff, int) else default.backoff,
    )


MAX_PARALLEL = 1024  # worker threads a pass may run at once


def check_bounds(parallel: int, *timeouts: float | None) -> None:
    """Refuse a ``parallel`` or a timeout (seconds) that no lifecycle could run with."""
    if isinstance(parallel, bool) or not isinstance(parallel, int):
        raise InvalidArgumentError(f"parallel must be a whole number, got {parallel!r}")
    if not 1 <= parallel <= MAX_PARALLEL:
        raise InvalidArgumentError(
            f"parallel must be from 1 to {MAX_PARALLEL}, got {parallel}",
            hint="1 opens one component at a time; a few more than the slow ones is plenty",
        )
    names = ("open_timeout", "close_timeout", "shutdown_timeout", "health_timeout")
    for name, value in zip(names, timeouts, strict=True):
        if value is not None and not (isinstance(value, int | float) and 0 < value < 1e9):
            raise InvalidArgumentError(
                f"{name} must be a number of seconds above 0 (or None: no bound), got {value!r}"
            )


_TIMEOUT_KEYS = {"open": "open_timeout", "close": "close_timeout", "check_health": "health_timeout"}


def open_pass(
    order: Sequence[Node],
    by_index: dict[int, Node],
    opened: list[Node],
    *,
    bounds: Bounds,
    config_of: ConfigOf,
    loops: Loops,
    correlation_id: str | None,
    stop_requested: Callable[[], bool] | None,
) -> Pass:
    """Open ``order`` (a topological order) as far as it goes; ``opened`` receives each
    openable node as its open completes. The caller reads the pass's failures."""

    def record(node: Node) -> None:
        if capabilities(node.component).openable:
            opened.append(node)

    run = Pass(
        "open",
        order,
        waits_for=lambda node: [by_index[i] for i in node.needs],
        applies=lambda node: capabilities(node.component).openable,
        limits=bounds.limiter("open", config_of),
        parallel=bounds.parallel,
        loops=loops,
        args=(correlation_id,),
        states=("opening", "open", "failed"),
        on_done=record,
    )
    run.wait(stop_requested)
    return run


@dataclass(frozen=True, slots=True)
class Closer:
    """What closing needs: the bounds, the config the nodes' indexes point into, the
    async loop."""

    bounds: Bounds
    config: Sequence[ComponentSpec]
    loops: Loops

    def config_of(self, node: Node) -> ConfigParams:
        return self.config[node.index].config


def unwind(
    correlation_id: str | None,
    opened: list[Node],
    wired: Sequence[Node],
    closer: Closer | None = None,
) -> tuple[list[LifecycleError], BaseException | None]:
    """Close ``opened`` in reverse (each removed from it once closed), within the
    shutdown budget, then unwire ``wired`` in reverse; returns the errors and the
    first ``BaseException`` met. Without a ``closer`` there must be nothing open."""
    failures: list[LifecycleError] = []
    interrupts: list[BaseException] = []
    if opened:
        assert closer is not None, "open components need a closer"
        bounds, config_of, loops = closer.bounds, closer.config_of, closer.loops
        closing = list(reversed(opened))
        chain = {id(node): [closing[i - 1]] if i else [] for i, node in enumerate(closing)}
        budget = bounds.shutdown_timeout
        run = Pass(
            "close",
            closing,
            waits_for=lambda node: chain[id(node)],
            applies=lambda node: True,
            limits=bounds.limiter("close", config_of),
            parallel=1,
            loops=loops,
            args=(correlation_id,),
            states=("closing", "closed", "failed"),
            keep_going=True,
            budget=None if budget is None else time.monotonic() + budget,
            on_done=lambda node: _forget(opened, node),
        )
        try:
            run.wait()
        except BaseException as exc:  # Ctrl-C while waiting: the closes left are abandoned
            interrupts.append(exc)
        failures += run.failures
        interrupts += run.interrupts
        failures += [_unclosed(node, budget) for node in run.unstarted]
        opened.clear()  # closed, failed, abandoned or never reached: none is ours any more
    for node in reversed(wired):
        if capabilities(node.component).unreferenceable:
            _attempt("unset_references", node, failures, interrupts)
    return failures, interrupts[0] if interrupts else None


def first_error(run: Pass) -> BaseException | None:
    """What a failed pass raises: a ``BaseException`` before any error; the rest as notes."""
    ordered: list[BaseException] = [*run.interrupts, *run.failures]
    if not ordered:
        return None
    error = ordered[0]
    for other in ordered[1:]:
        error.add_note(f"also: {other}")
    return error


def interrupted(interruption: Interruption, run: Pass, error: BaseException | None) -> Interrupted:
    """What a start stopped on request raises: which opens it left, and any error."""
    stopped = Interrupted(interruption.signum)
    if run.abandoned:
        left = ", ".join(node.label for node in run.abandoned)
        stopped.add_note(f"left opening (each is closed if its open returns): {left}")
    if error is not None:
        stopped.add_note(f"also: {error}")
    return stopped


def unwind_then_raise(
    correlation_id: str | None,
    opened: list[Node],
    wired: Sequence[Node],
    error: BaseException,
    closer: Closer | None = None,
) -> NoReturn:
    """Roll back after ``error``, then raise it, or the interrupt the rollback met."""
    closed = [node.label for node in reversed(opened)]
    failures, interrupt = unwind(correlation_id, opened, wired, closer)
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


def _forget(opened: list[Node], node: Node) -> None:
    """``node`` closed: off the list of what is open (it is nearly always the last)."""
    if opened and opened[-1] is node:
        opened.pop()
    else:
        opened.remove(node)


def _unclosed(node: Node, budget: float | None) -> LifecycleError:
    return LifecycleError(
        f"not closed: the shutdown budget of {budget:g} s ran out before its turn",
        component=node.label,
        source=node.source,
    )


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
