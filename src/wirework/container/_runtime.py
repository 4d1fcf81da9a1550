"""One pass of a lifecycle step over many components: bounded in parallelism and in time.

Opening, closing and health checks are the same problem: call one method on each of a
set of components, each only once the components it waits for are done, at most N at
a time, each within its own time bound, and know at the end exactly which finished,
which failed and which were left running. So one :class:`Pass` does all three (a close
is a chain: each waits for the one before it).

The methods run on worker threads; the thread that asked (the coordinator) only
waits, watches the clock and the stop requests. A method that outlives its bound is
*abandoned*: its worker is written off and replaced, and if it finishes later, it
cleans up after itself (an open that succeeds too late is closed at once), so nothing
is left open behind the container's back. Workers are daemon threads: a hung close
cannot keep the process alive past its shutdown budget. Scheduling happens on the
workers, under one lock, so a thousand quick opens cost a few microseconds each, not
a round trip to the coordinator each.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wirework.container._graph import Node
from wirework.container._health import ComponentState
from wirework.container._loops import Loops, close_late, start_step
from wirework.errors import LifecycleError

if TYPE_CHECKING:
    from concurrent.futures import Future

POLL = 0.05  # seconds between checks of a stop request while waiting
LONGEST_WAIT = 60.0  # a wait for a far deadline is split: any one wait stays valid
SLOW = 0.001  # a call running this long makes the pass add a worker beside it
MAX_BACKOFF = 30.0


@dataclass(frozen=True, slots=True)
class Limits:
    """One component's bounds for one step: seconds per attempt, retries, first backoff."""

    timeout: float | None = None
    retries: int = 0
    backoff: float = 0.0


@dataclass(slots=True, eq=False)
class _Job:
    node: Node
    limits: Limits
    started: float = 0.0
    deadline: float | None = None
    pending: Future[Any] | None = None
    abandoned: bool = False


class Pass:
    """Call ``step`` on ``nodes`` (in ``nodes`` order where free to choose).

    ``waits_for(node)`` gives the nodes of this pass it must wait for; a node whose
    component lacks the step (``applies`` false) completes at once without a thread.
    With ``keep_going`` a failure does not stop the pass (close, health); otherwise no
    new call starts after one (open). ``budget`` is a monotonic deadline for the whole
    pass: at it, everything still running is abandoned and the rest never starts.
    """

    def __init__(
        self,
        step: str,
        nodes: Sequence[Node],
        *,
        waits_for: Callable[[Node], Sequence[Node]],
        applies: Callable[[Node], bool],
        limits: Callable[[Node], Limits],
        parallel: int,
        loops: Loops,
        args: tuple[Any, ...],
        states: tuple[ComponentState, ComponentState, ComponentState] | None,
        keep_going: bool = False,
        budget: float | None = None,
        on_done: Callable[[Node], None] | None = None,
    ) -> None:
        self.step = step
        self.failures: list[LifecycleError] = []
        self.interrupts: list[BaseException] = []
        self.errors: dict[int, BaseException] = {}  # id(node) -> what its step raised
        self.abandoned: list[Node] = []
        self.unstarted: list[Node] = []
        self._applies, self._limits, self._loops, self._args = applies, limits, loops, args
        self._states = states  # node states while running, once done, once failed
        self._keep_going, self._budget, self._on_done = keep_going, budget, on_done
        self._parallel = max(1, parallel)
        lock = threading.Lock()
        self._cond = threading.Condition(lock)  # the coordinator waits here
        self._work_cond = threading.Condition(lock)  # idle workers wait here
        self._stopping = False
        self._stopped = threading.Event()  # interrupts a retry's backoff
        self._in_flight: dict[int, _Job] = {}
        self._workers = self._idle = 0
        self._wake_at = float("inf")  # when the coordinator looks at the clock next
        self._position = {id(node): i for i, node in enumerate(nodes)}
        self._waiting: dict[int, int] = {}  # only nodes that wait for someone
        self._users: dict[int, list[Node]] = {}  # only nodes someone waits for
        self._ready: list[tuple[int, int, Node]] = []
        position, users = self._position, self._users
        for index, node in enumerate(nodes):
            count = 0
            for need in waits_for(node):
                if id(need) in position:
                    users.setdefault(id(need), []).append(node)
                    count += 1
            if count:
                self._waiting[id(node)] = count
            else:
                self._ready.append((index, id(node), node))  # already in heap order
        with self._cond:
            self._spawn_if_needed()

    # -- the coordinator's side -------------------------------------------------------
    def wait(self, stop_requested: Callable[[], bool] | None = None) -> None:
        """Block until the pass is over; a stop request (or any ``BaseException``
        raised here, e.g. Ctrl-C) abandons what runs and starts nothing more."""
        try:
            with self._cond:
                while not self._over():
                    now = time.monotonic()
                    self._expire(now)
                    self._grow(now)
                    if stop_requested is not None and stop_requested():
                        self._abandon()
                        break
                    if self._over():
                        break
                    timeout = self._next_wake(now, polling=stop_requested is not None)
                    self._wake_at = now + timeout if timeout is not None else float("inf")
                    self._cond.wait(timeout)
        except BaseException:
            self.abandon()
            raise

    def abandon(self) -> None:
        """Start nothing more; write off every call still running."""
        with self._cond:
            self._abandon()

    def _abandon(self) -> None:
        self._stop()
        for job in list(self._in_flight.values()):
            self._write_off(job)
        self._notify()

    # -- scheduling (under the lock) ----------------------------------------------------
    def _over(self) -> bool:
        return not self._in_flight and (self._stopping or not self._ready)

    def _next_wake(self, now: float, *, polling: bool) -> float | None:
        deadlines = [job.deadline for job in self._in_flight.values() if job.deadline]
        if self._budget is not None:
            deadlines.append(self._budget)
        if self._may_grow():
            deadlines.append(min(job.started for job in self._in_flight.values()) + SLOW)
        wake = min(deadlines) - now if deadlines else None
        if polling:
            wake = POLL if wake is None else min(wake, POLL)
        return None if wake is None else min(max(wake, 0.001), LONGEST_WAIT)

    def _may_grow(self) -> bool:
        return bool(
            self._ready
            and self._in_flight
            and not self._idle
            and self._workers < self._parallel
            and not self._stopping
        )

    def _grow(self, now: float) -> None:
        """Add workers while every running call is slow (``SLOW``) and work waits.

        Quick calls (most opens) then run one after the other on one worker, with no
        handoff between threads; slow ones (a connect) soon run ``parallel`` at once.
        """
        if self._may_grow() and all(now - job.started >= SLOW for job in self._in_flight.values()):
            for _ in range(min(len(self._ready), self._parallel - self._workers)):
                self._start_worker()

    def _expire(self, now: float) -> None:
        if self._budget is not None and now >= self._budget:
            for job in list(self._in_flight.values()):
                self._fail(job, f"{self.step} still running when the time budget ran out")
            self._stop()
            return
        for job in list(self._in_flight.values()):
            if job.deadline is not None and now >= job.deadline:
                timeout = job.limits.timeout or 0
                self._fail(job, f"{self.step} timed out after {timeout:g} s")

    def _fail(self, job: _Job, message: str) -> None:
        node = job.node
        self._write_off(job)
        self.failures.append(
            LifecycleError(
                f"{message}; abandoned (it may still finish, and is then undone)",
                component=node.label,
                source=node.source,
            )
        )
        self._after_failure(node)

    def _after_failure(self, node: Node) -> None:
        """A failed node: with ``keep_going`` it counts as over for whoever waits for it;
        otherwise nothing new starts."""
        self._set_state(node, 2)
        if self._keep_going:
            self._release(node)
        else:
            self._stop()
        self._notify()

    def _write_off(self, job: _Job) -> None:
        job.abandoned = True
        del self._in_flight[id(job.node)]
        self.abandoned.append(job.node)
        self._workers -= 1
        if job.pending is not None:
            job.pending.cancel()
        self._spawn_if_needed()

    def _stop(self) -> None:
        if not self._stopping:
            self._stopping = True
            self._stopped.set()
            self.unstarted = [entry[2] for entry in sorted(self._ready)]

    def _push(self, node: Node) -> None:
        heapq.heappush(self._ready, (self._position[id(node)], id(node), node))
        if self._idle:
            self._work_cond.notify()
        elif not self._workers:
            self._spawn_if_needed()
        elif self._may_grow() and self._wake_at > time.monotonic() + SLOW:
            self._cond.notify_all()  # the coordinator decides whether to add a worker

    def _spawn_if_needed(self) -> None:
        """Make sure someone runs what is ready: a first worker, or one in place of a
        written-off one; more come from :meth:`_grow`."""
        if self._ready and not self._idle and not self._workers and not self._stopping:
            self._start_worker()

    def _start_worker(self) -> None:
        self._workers += 1
        try:
            threading.Thread(target=self._work, name=f"wirework-{self.step}", daemon=True).start()
        except RuntimeError as exc:  # the process may start no more threads
            self._workers -= 1
            if self._workers:
                return  # the workers there are go on, fewer at a time
            node = self._ready[0][2]
            failure = LifecycleError(
                f"{self.step} could not start: no thread to run it on ({exc})",
                component=node.label,
                source=node.source,
            )
            failure.__cause__ = exc
            self.failures.append(failure)
            self._stop()
            self._notify()

    def _take(self) -> _Job | None:
        """The next call for a worker (its first attempt's clock started), or ``None``
        when the worker should end. Under the lock."""
        while True:
            if self._stopping:
                self._workers -= 1
                return None
            if self._ready:
                node = heapq.heappop(self._ready)[2]
                if not self._applies(node):
                    self._complete(node)
                    continue
                now = time.monotonic()
                job = _Job(node, self._limits(node), now)
                self._in_flight[id(node)] = job
                self._set_state(node, 0)
                self._start_clock(job, now)
                return job
            if not self._in_flight:
                self._workers -= 1
                self._notify()
                return None
            self._idle += 1
            self._work_cond.wait()
            self._idle -= 1

    def _start_clock(self, job: _Job, now: float) -> None:
        if job.limits.timeout is not None:
            job.deadline = now + job.limits.timeout
            if job.deadline < self._wake_at:
                self._cond.notify_all()  # the coordinator must look sooner

    def _complete(self, node: Node) -> None:
        self._set_state(node, 1)
        if self._on_done is not None:
            self._on_done(node)
        self._release(node)

    def _release(self, node: Node) -> None:
        """``node`` is over: whoever waited for it may start."""
        for user in self._users.get(id(node), ()):
            self._waiting[id(user)] -= 1
            if not self._waiting[id(user)]:
                self._push(user)
        if not self._ready and not self._in_flight:
            self._notify()

    def _set_state(self, node: Node, which: int) -> None:
        if self._states is not None:
            node.state = self._states[which]

    def _notify(self) -> None:
        """Wake the coordinator, and idle workers so they see the pass is over."""
        self._cond.notify_all()
        self._work_cond.notify_all()

    # -- the workers' side ----------------------------------------------------------------
    def _work(self) -> None:
        with self._cond:
            job = self._take()
        while job is not None:
            error = self._attempts(job)
            with self._cond:  # one lock round per call: finish this one, take the next
                if job.abandoned:
                    break
                del self._in_flight[id(job.node)]
                if error is None:
                    self._complete(job.node)
                else:
                    self._record(job.node, error)
                job = self._take()
        else:
            return
        if error is None:  # written off, then it succeeded after all
            self._undo(job.node)
        # A written-off worker ends here: its place was given to a new one.

    def _attempts(self, job: _Job) -> BaseException | None:
        limits = job.limits
        for attempt in range(limits.retries + 1):
            if attempt:  # the first attempt's clock started when the call was taken
                with self._cond:
                    if job.abandoned:
                        return None
                    self._start_clock(job, time.monotonic())
            try:
                pending = start_step(job.node.component, self.step, self._args, self._loops)
                if pending is not None:
                    job.pending = pending
                    if job.abandoned:  # written off before the future was visible
                        pending.cancel()
                    pending.result()
                return None
            except BaseException as exc:
                if job.abandoned:
                    return exc
                if not isinstance(exc, Exception) or attempt == limits.retries:
                    return exc
                delay = min(limits.backoff * 2**attempt, MAX_BACKOFF)
                if self._stopped.wait(delay):
                    return exc
        raise AssertionError("unreachable")

    def _record(self, node: Node, error: BaseException) -> None:
        self.errors[id(node)] = error
        if isinstance(error, Exception):
            self.failures.append(failed(self.step, node.label, node.source, error))
        else:
            error.add_note(f"during {self.step} of {node.where()}")
            self.interrupts.append(error)
        self._after_failure(node)

    def _undo(self, node: Node) -> None:
        """An abandoned open that succeeded after all: close it, so it leaks nothing."""
        if self.step == "open":
            close_late(node.component, node.where(), self._args, self._loops)
            node.state = "closed"


def failed(step: str, label: str, source: str | None, cause: Exception) -> LifecycleError:
    """The error for a component's failed lifecycle ``step``, chained to its cause."""
    error = LifecycleError(
        f"{step} failed: {type(cause).__name__}: {cause}", component=label, source=source
    )
    error.__cause__ = cause
    return error
