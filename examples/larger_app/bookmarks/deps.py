"""The app's dependencies, named once by descriptor pattern.

Patterns, not concrete descriptors: ``*:state-store:*:*:1.0`` matches the memory
store in ``config/memory.yml`` and the SQLite one in ``config/sqlite.yml`` alike, so
no module of the app names a backend.
"""

from __future__ import annotations

from wirework.di import ByDescriptor

STATE = ByDescriptor("*:state-store:*:*:1.0")
BOOKMARKS = ByDescriptor("bookmarks:persistence:*:*:1.0")
PAGE_SIZE = BOOKMARKS.option("options.max_page_size")
