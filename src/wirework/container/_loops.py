"""Where a component's ``async def`` lifecycle methods run.

An async component's ``open`` and ``close`` must run on one event loop for the whole
time it is open: what it opens (a connection, a background task) belongs to that loop.
Under ``await container.aopen()`` that is the caller's loop. Under the plain
``open()`` there may be no loop at all, or one the caller is blocking, so the
container keeps a loop of its own on a daemon thread, started by the first async
method it meets and stopped after the last close. Plain (sync) methods never need it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # asyncio costs more to import than all of the container: only when used
    import asyncio
    from concurrent.futures import Future

from wirework.errors import InvalidStateError

T = TypeVar("T")


class LoopThread:
    """An event loop running forever on a daemon thread, until :meth:`stop`."""

    def __init__(self) -> None:
        import asyncio

        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._serve, name="wirework-async-components", daemon=True
        )
        self._thread.start()

    def _serve(self) -> None:
        import asyncio

        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def stop(self) -> None:
        """Cancel the tasks the components left behind, as ``asyncio.run`` does, then
        stop the loop and let its thread end."""
        import asyncio

        if self.loop.is_closed():
            return
        with contextlib.suppress(TimeoutError, RuntimeError):  # a task that will not end
            asyncio.run_coroutine_threadsafe(_cancel_the_rest(), self.loop).result(timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()


class Loops:
    """The loop a container's async components run on: the caller's, or its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._given: asyncio.AbstractEventLoop | None = None
        self._own: LoopThread | None = None

    def use(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Run async methods on ``loop`` (``aopen``'s), or on a private loop (``open``'s)."""
        with self._lock:
            self._given = loop

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._given is not None:
                return self._given
            if self._own is None:
                self._own = LoopThread()
            return self._own.loop

    def stop(self) -> None:
        with self._lock:
            own, self._own, self._given = self._own, None, None
        if own is not None:
            own.stop()


def start_step(
    component: Any, step: str, args: tuple[Any, ...], loops: Loops
) -> Future[Any] | None:
    """Call ``component.step(*args)`` in this (worker) thread.

    A plain method runs to its end here (``None`` comes back); an ``async def``
    method's coroutine is sent to the container's loop and a future of it comes back,
    for the caller to wait on (or cancel, which cancels the coroutine there).
    """
    result = getattr(component, step)(*args)
    if not hasattr(type(result), "__await__"):
        return None
    import asyncio

    loop = loops.loop()
    if _running_loop() is loop:
        if asyncio.iscoroutine(result):
            result.close()
        raise InvalidStateError(
            f"{type(component).__qualname__}.{step} is async and its loop is blocked by "
            "this call: use the container's async methods (aopen, aclose, ahealth) there"
        )
    return asyncio.run_coroutine_threadsafe(_awaited(result), loop)


async def in_thread(call: Callable[[], T], on_cancel: Callable[[], None] | None) -> T:
    """``call()`` on a worker thread; a cancellation asks it to stop (``on_cancel``),
    waits for it to finish (a start rolls back first), then goes on."""
    import asyncio

    task = asyncio.ensure_future(asyncio.to_thread(call))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        if on_cancel is not None:
            on_cancel()
        await asyncio.wait([task])
        if not task.cancelled() and task.exception() is not None:
            task.exception()  # retrieved: the cancellation is what the caller gets
        raise


async def _cancel_the_rest() -> None:
    import asyncio

    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def _running_loop() -> asyncio.AbstractEventLoop | None:
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def close_late(component: Any, where: str, args: tuple[Any, ...], loops: Loops) -> None:
    """Close a component whose open returned after the container gave up on it."""
    try:
        pending = start_step(component, "close", args, loops)
        if pending is not None:
            pending.result(timeout=30)
    except Exception:
        # Its open was already reported as abandoned and no caller waits any more:
        # the log is the only place left to say it.
        import logging  # imported only on this rare path: it is not light

        logging.getLogger("wirework.container").warning(
            "closing %s after its late open failed", where, exc_info=True
        )
