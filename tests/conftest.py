"""The whole suite keeps its parse cache in a directory of its own, not the user's.

Set for the process (and so for the commands the tests start), before any test runs,
and removed at exit; the parse cache's own tests point it elsewhere again, each at a
fresh directory.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_CACHE = tempfile.mkdtemp(prefix="wirework-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)
