"""The servers the secrets tests use, and a port where nothing listens."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from secret_forms import TABLES

from servers import POSTGRES_URI, REDIS_URI, require


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    """The servers' URIs by kind (skips, or fails under CI, when one is down); the
    tables the tests created are dropped at the end."""
    uris = {"redis": require(REDIS_URI, "Redis"), "postgres": require(POSTGRES_URI, "PostgreSQL")}
    yield uris
    import psycopg

    with psycopg.connect(uris["postgres"], autocommit=True) as conn:
        for table in TABLES:
            conn.execute(f'DROP TABLE IF EXISTS "{table}"')


@pytest.fixture(scope="module")
def unreachable() -> int:
    """A port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
