"""What a persistence's config keys may hold, shared by the components and their schemas.

The schemas (``_schema``) import pydantic and are imported only when a config is
checked; the components import these rules, never the schemas, so the schemas can
take their defaults and checks from here without the two importing each other.
"""

from __future__ import annotations

from wirework.errors import ConfigError

DEFAULT_MAX_PAGE_SIZE = 100
"""``options.max_page_size`` when the config names none: the most items one page returns."""


def check_path(path: str) -> str:
    """``path`` when it can name a file: a blank one would write beside the process,
    and no file name holds a NUL character."""
    if not path.strip() or "\x00" in path:
        problem = "hold a NUL character" if path.strip() else "be empty"
        raise ConfigError(f"path must not {problem}")
    return path
