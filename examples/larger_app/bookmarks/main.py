"""Run the bookmarks service on a config: ``python -m bookmarks.main config/memory.yml``.

``running()`` is the whole integration with wirework: open the container (which opens
every backend in dependency order), wire the app modules through ``wirework.di``, and
undo both in reverse on the way out.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bookmarks import handlers, service
from wirework.container import Container
from wirework.di import bridge
from wirework.errors import WireworkError

HERE = Path(__file__).resolve().parent.parent
APP_MODULES = (service, handlers)


@contextmanager
def running(config: str | Path, parameters: Mapping[str, Any] | None = None) -> Iterator[Container]:
    with Container.from_file(config, parameters) as container:
        di = bridge(container)
        di.wire(modules=APP_MODULES)
        try:
            yield container
        finally:
            di.unwire()


def demo() -> list[tuple[str, str, int, dict[str, Any]]]:
    """A few requests, as a client would send them."""
    calls: list[tuple[str, str, dict[str, Any] | None]] = [
        ("POST", "/bookmarks", {"owner": "ada", "url": "https://wirework.dev", "title": "home"}),
        ("POST", "/bookmarks", {"owner": "ada", "url": "https://python.org"}),
        ("POST", "/bookmarks", {"owner": "ada", "url": "ftp://old.example"}),
    ]
    log = []
    for method, path, body in calls:
        status, payload = handlers.handle(method, path, body)
        log.append((method, path, status, payload))
    first = log[0][3]["id"]
    for method, path in [
        ("POST", f"/bookmarks/{first}/visit"),
        ("POST", f"/bookmarks/{first}/visit"),
        ("GET", "/users/ada/bookmarks"),
        ("GET", "/users/ada/stats"),
        ("GET", "/health"),
    ]:
        status, payload = handlers.handle(method, path)
        log.append((method, path, status, payload))
    return log


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bookmarks", description=__doc__)
    parser.add_argument("config", nargs="?", default=str(HERE / "config" / "memory.yml"))
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    parameters = dict(item.split("=", 1) for item in args.param)
    try:
        with running(args.config, parameters):
            for method, path, status, payload in demo():
                print(f"{method:4} {path:50} {status} {json.dumps(payload, sort_keys=True)}")
    except WireworkError as exc:
        print(f"bookmarks: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
