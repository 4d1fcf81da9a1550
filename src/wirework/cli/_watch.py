"""Notices when a config file is saved, for ``wirework run --watch``.

Polling, with the standard library only: a config file changes a few times a day, a
``stat`` twice a second costs nothing, and polling behaves the same on every
platform, filesystem and container mount, where inotify and its kin miss changes on
network and bind mounts and would add a dependency for no gain.

Editors save in ways a naive watcher misreads. One that writes in place can be seen
halfway, so a change counts only once the file's ``stat`` (modification time, size,
inode) has stayed the same for one interval. One that replaces the file by a rename
leaves no file for a moment, which is waited out. A save or a ``touch`` that leaves
the bytes as they were changes the ``stat`` but not the content's hash, and is
ignored. Nothing raises out of the watching thread: whatever the callback raises goes
to ``on_error``, and the watcher goes on.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections.abc import Callable

from wirework.config._secrets import redact

_Signature = tuple[int, int, int]  # st_mtime_ns, st_size, st_ino


class ConfigWatcher:
    """Calls ``on_change()`` from a daemon thread once per real change of ``path``."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        on_change: Callable[[], object],
        on_error: Callable[[BaseException], object],
        *,
        interval: float = 0.5,
    ) -> None:
        """Start watching; the content ``path`` has now is the baseline."""
        self.path = os.fspath(path)
        self._on_change = on_change
        self._on_error = on_error
        self._interval = interval
        self._seen = self._signature()  # at the last poll
        self._settled = self._seen  # the last stat whose content was hashed
        self._digest = self._hash() if self._seen is not None else None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wirework-watch", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop watching and wait for the thread (and a callback it is in) to end."""
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.poll()
            except BaseException as exc:  # reported, never raised out of the thread
                self._report(exc)

    def poll(self) -> None:
        """Look once; the thread does this every interval."""
        signature = self._signature()
        if signature != self._seen:
            self._seen = signature  # still changing, or gone for a moment: wait a round
            return
        if signature is None or signature == self._settled:
            return
        self._settled = signature
        digest = self._hash()
        if digest is not None and digest != self._digest:
            self._digest = digest
            self._on_change()

    def _signature(self) -> _Signature | None:
        try:
            stat = os.stat(self.path)
        except OSError:  # missing (an editor's rename) or unreadable: look again later
            return None
        return stat.st_mtime_ns, stat.st_size, stat.st_ino

    def _hash(self) -> bytes | None:
        try:
            with open(self.path, "rb") as file:
                return hashlib.sha256(file.read()).digest()
        except OSError:
            return None

    def _report(self, error: BaseException) -> None:
        try:
            self._on_error(error)
        except BaseException as failure:  # the last resort: the thread must go on
            message = (
                f"wirework: watching {self.path}: {type(error).__name__}: {error}; "
                f"reporting it failed: {type(failure).__name__}: {failure}"
            )
            print(redact(message), file=sys.stderr)
