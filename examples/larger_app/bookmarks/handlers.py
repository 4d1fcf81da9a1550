"""Request handlers: ``handle(method, path, body)`` -> ``(status, payload)``.

A stand-in for a web framework's routes, so the example needs nothing beyond
wirework. Handlers translate; the rules live in :mod:`bookmarks.service`. Two
handlers show the other injection forms: the page size comes from the persistence's
own configuration (``options.max_page_size``), and the health check names the
persistence by its ``alias:`` from the config.
"""

from __future__ import annotations

from typing import Any

from bookmarks import service
from bookmarks.deps import PAGE_SIZE, STATE
from wirework.di import Provide, inject

__all__ = ["handle"]

Response = tuple[int, dict[str, Any]]


def handle(method: str, path: str, body: dict[str, Any] | None = None) -> Response:
    """Route one request; errors become 400/404 responses."""
    parts = [p for p in path.split("/") if p]
    body = body or {}
    try:
        match method, parts:
            case "POST", ["bookmarks"]:
                return 201, service.add(
                    body.get("owner", ""), body.get("url", ""), body.get("title")
                )
            case "GET", ["bookmarks", bookmark_id]:
                return 200, service.get(_id(bookmark_id))
            case "POST", ["bookmarks", bookmark_id, "visit"]:
                return 200, {"visits": service.visit(_id(bookmark_id))}
            case "GET", ["users", owner, "bookmarks"]:
                return list_bookmarks(owner, body.get("skip", 0), body.get("take"))
            case "GET", ["users", owner, "stats"]:
                return 200, service.stats(owner)
            case "GET", ["health"]:
                return health()
    except service.NotFoundError as exc:
        return 404, {"error": exc.message}
    except service.BookmarkError as exc:
        return 400, {"error": exc.message}
    return 404, {"error": f"no route for {method} {path}"}


@inject
def list_bookmarks(
    owner: str, skip: Any, take: Any, *, max_page_size: int = Provide[PAGE_SIZE]
) -> Response:
    size = min(int(take or max_page_size), max_page_size)
    found = service.page(owner, skip=int(skip), take=size)
    return 200, {"data": found.data, "total": found.total, "page_size": size}


@inject
def health(bookmarks: Any = Provide["bookmarks"], state: Any = Provide[STATE]) -> Response:
    backends = {"bookmarks": bookmarks.is_open(), "state": state.is_open()}
    return (200 if all(backends.values()) else 503), backends


def _id(text: str) -> Any:
    return int(text) if text.isdigit() else text
