"""A bounded cache of parsed descriptor strings.

Code that looks components up by ``"group:type:kind:name:version"`` strings passes the
same few literals again and again, and parsing one costs several times the lookup it
serves. So parsed strings are kept, but in a bounded table: a caller passing endless
different strings (built from request data, say) must not grow the process, only lose
the speed-up. When the table is full it is emptied and starts over: a hit stays a
plain dict read, with no bookkeeping and no lock, and a string that keeps coming back
is parsed once more after each emptying. (Dropping only the oldest entry instead would
lose hot strings just as often under a stream of new ones, since hits do not refresh
an entry, and cost more: finding the oldest entry of a dict that keeps losing its
first entries scans the holes they leave.)
"""

from __future__ import annotations

import threading

from wirework.descriptor import Descriptor


class ParseCache(dict[str, Descriptor]):
    """``cache[text]`` is ``Descriptor.from_string(text)``, from at most ``size`` entries.

    A dict, so that a hit is a subscript that runs no Python code: a miss calls
    ``__missing__``, which parses and then adds under the lock, emptying a full table
    first, so it never holds more than ``size`` entries whatever the threads do; a
    lookup reading the dict meanwhile sees it before or after the change, never
    half-made. Strings longer than ``longest`` are parsed but not kept (``size`` long
    strings must not add up to much memory), and malformed ones raise every time.
    Callers pass exact ``str`` objects only: a subclass could compare equal to a
    string it is not.
    """

    def __init__(self, size: int = 2048, longest: int = 256) -> None:
        super().__init__()
        if size < 1:
            raise ValueError(f"a parse cache needs room for at least 1 entry, got {size}")
        self.size = size
        self.longest = longest
        self._lock = threading.Lock()

    def __missing__(self, text: str) -> Descriptor:
        descriptor = Descriptor.from_string(text)
        if len(text) <= self.longest:
            with self._lock:
                if len(self) >= self.size:
                    self.clear()
                self[text] = descriptor
        return descriptor
