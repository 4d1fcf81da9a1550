"""Where the real servers are for backend tests, and what to do when one is missing.

A missing server skips the test with the reason on a developer's machine; under CI
(``WIREWORK_REQUIRE_SERVERS=1``, set by ``.ci/run``) it fails instead, so a green CI
run proves every backend against a real server.
"""

from __future__ import annotations

import os
import socket
from typing import NoReturn
from urllib.parse import urlsplit

import pytest

REDIS_URI = os.environ.get("WIREWORK_TEST_REDIS_URI", "redis://127.0.0.1:6379/0")
POSTGRES_URI = os.environ.get(
    "WIREWORK_TEST_POSTGRES_URI", "postgresql://postgres@127.0.0.1:5432/test"
)


def unavailable(what: str, reason: str) -> NoReturn:
    if os.environ.get("WIREWORK_REQUIRE_SERVERS"):
        pytest.fail(f"{what} is required (WIREWORK_REQUIRE_SERVERS is set) but {reason}")
    pytest.skip(f"{what} not reachable: {reason}")


def require(uri: str, what: str) -> str:
    """``uri`` when its server accepts a TCP connection, else skip (or fail under CI)."""
    parts = urlsplit(uri)
    address = (parts.hostname or "127.0.0.1", parts.port or 0)
    try:
        with socket.create_connection(address, timeout=1.0):
            return uri
    except OSError as exc:
        unavailable(what, f"{address[0]}:{address[1]}: {exc.strerror or exc}")
