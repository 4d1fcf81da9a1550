"""The service layer: bookmark rules over a persistence and a state store.

Bookmarks live in the persistence; visit counters and each owner's last-added id live
in the state store, because they are small, hot and keyed, which is what a state
store is for. Every function receives its backends by injection, per call, so an
``override`` in a test (or a backend swap) reaches the next call.
"""

from __future__ import annotations

import random
import time
from typing import Any
from urllib.parse import urlsplit

from bookmarks.deps import BOOKMARKS, STATE
from wirework.data import DataPage, PagingParams
from wirework.di import Provide, inject
from wirework.errors import ConcurrencyError, WireworkError

__all__ = ["BookmarkError", "NotFoundError", "add", "get", "page", "stats", "visit"]

_RETRIES = 50  # with a growing random pause between tries: losers back off


class BookmarkError(WireworkError):
    """A request the rules refuse (bad URL, empty owner...)."""


class NotFoundError(BookmarkError):
    """No bookmark with that id."""


@inject
def add(
    owner: str,
    url: str,
    title: str | None = None,
    *,
    bookmarks: Any = Provide[BOOKMARKS],
    state: Any = Provide[STATE],
) -> dict[str, Any]:
    """Bookmark ``url`` for ``owner``; adding the same URL again returns the first one."""
    owner, url = owner.strip(), url.strip()
    if not owner:
        raise BookmarkError("a bookmark needs an owner")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BookmarkError(f"not an http(s) URL: {url!r}")
    existing = bookmarks.get_list_by_filter(None, {"owner": owner, "url": url})
    if existing:
        return dict(existing[0])
    item = bookmarks.create(None, {"owner": owner, "url": url, "title": title or parts.netloc})
    state.save(None, f"last-added:{owner}", item["id"])
    return dict(item)


@inject
def get(bookmark_id: Any, *, bookmarks: Any = Provide[BOOKMARKS]) -> dict[str, Any]:
    item = bookmarks.get_one_by_id(None, bookmark_id)
    if item is None:
        raise NotFoundError(f"no bookmark {bookmark_id!r}")
    return dict(item)


@inject
def visit(bookmark_id: Any, *, state: Any = Provide[STATE]) -> int:
    """Count a visit; safe under concurrency (versioned save, retried on conflict)."""
    get(bookmark_id)
    key = f"visits:{bookmark_id}"
    for attempt in range(_RETRIES):
        count, version = state.load_versioned(None, key)
        try:
            state.save(None, key, (count or 0) + 1, expected_version=version)
        except ConcurrencyError:
            # Another writer won this round: wait a random moment, longer each time,
            # so that the writers stop colliding instead of retrying in lockstep.
            time.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))
            continue
        return int((count or 0) + 1)
    raise BookmarkError(f"too much contention counting visits of {bookmark_id!r}")


@inject
def page(
    owner: str, skip: int = 0, take: int = 20, *, bookmarks: Any = Provide[BOOKMARKS]
) -> DataPage[Any]:
    paging = PagingParams(skip=skip, take=take, total=True)
    return bookmarks.get_page_by_filter(None, {"owner": owner}, paging, sort="url")  # type: ignore[no-any-return]


@inject
def stats(
    owner: str, *, bookmarks: Any = Provide[BOOKMARKS], state: Any = Provide[STATE]
) -> dict[str, Any]:
    """How many bookmarks ``owner`` has, their visits, and the last one added."""
    items = bookmarks.get_list_by_filter(None, {"owner": owner})
    visits = {item["id"]: state.load(None, f"visits:{item['id']}") or 0 for item in items}
    return {
        "bookmarks": len(items),
        "visits": sum(visits.values()),
        "last_added": state.load(None, f"last-added:{owner}"),
    }
