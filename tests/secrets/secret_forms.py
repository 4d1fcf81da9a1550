"""Every way a config can carry a credential, for the tests that prove none is ever shown.

Each secret contains ``MARK``, and so does each piece of it around a special
character, so a test only has to check that ``MARK`` appears nowhere: not the whole
secret, not the fragment a URL parser would quote, not its percent-encoded form.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import yaml

MARK = "SEKRET"
ENV_NAME = "WIREWORK_TEST_SECRET"
ENV_VALUE = f"kiwi{MARK}1?mango{MARK}2"  # substituted into a URI through ${...}


def password(separator: str) -> str:
    return f"kiwi{MARK}1{separator}mango{MARK}2"


@dataclass(frozen=True)
class Backend:
    name: str
    server: str  # "redis" or "postgres"
    entry: str  # the YAML lines that declare it, before its connection keys

    @property
    def scheme(self) -> str:
        return "redis" if self.server == "redis" else "postgresql"


BACKENDS = [
    Backend("redis-kv", "redis", "- descriptor: pip-services:state-store:redis:default:1.0\n"),
    Backend("redis-entity", "redis", "- descriptor: wirework:entity-store:redis:default:1.0\n"),
    Backend("pg-kv", "postgres", "- descriptor: pip-services:state-store:postgres:default:1.0\n"),
    Backend("pg-entity", "postgres", "- descriptor: wirework:entity-store:postgres:default:1.0\n"),
    Backend(
        "pg-persistence",
        "postgres",
        "- descriptor: myapp:persistence:postgres:default:1.0\n"
        "  type: wirework.persistence.sql:IdentifiablePostgresPersistence\n",
    ),
]


@dataclass(frozen=True)
class Form:
    name: str
    refused_at: str | None  # the step that refuses it ("configure", "open"), None: valid
    servers: tuple[str, ...] = ("redis", "postgres")

    def keys(self, backend: Backend, host: str, port: int) -> dict[str, Any]:
        """The connection keys of ``backend`` in this form, for a server at host:port."""
        user = "default" if backend.server == "redis" else "postgres"
        database: int | str = 0 if backend.server == "redis" else "test"  # Redis: a number
        at = f"{host}:{port}/{database}"
        url = f"{backend.scheme}://{user}:{{}}@{at}"
        plain = {"connection.host": host, "connection.port": port}
        plain["connection.database"] = database
        conninfo = f"host={host} port={port} dbname={database} user={user}"
        return {
            "uri-slash": {"connection.uri": url.format(password("/"))},
            "uri-hash": {"connection.uri": url.format(password("#"))},
            "uri-question": {"connection.uri": url.format(password("?"))},
            "uri-at": {"connection.uri": url.format(password("@"))},
            "uri-fullwidth-slash": {"connection.uri": url.format(password("\uff0f"))},
            "uri-encoded": {"connection.uri": url.format(quote(password("/?#@: "), safe=""))},
            "uri-bad-port": {
                "connection.uri": f"{backend.scheme}://{user}:{password('')}@{host}:x{port}/0"
            },
            "uri-bad-ipv6": {
                "connection.uri": f"{backend.scheme}://{user}:{password('')}@[{host}:{port}/0"
            },
            "uri-env": {"connection.uri": url.format("${" + ENV_NAME + "}")},
            "credential-password": {
                **plain,
                "credential.username": user,
                "credential.password": password("/"),
            },
            "credential-pass": {**plain, "credential.user": user, "credential.pass": password("#")},
            "credential-env": {
                **plain,
                "credential.username": user,
                "credential.password": "${" + ENV_NAME + "}",
            },
            "uri-query-password": {
                "connection.uri": f"{backend.scheme}://{user}@{at}?password={password('')}"
            },
            "libpq": {"connection.uri": f"{conninfo} password={password('')}"},
            "libpq-quoted": {"connection.uri": f"{conninfo} password='{password(' ')}'"},
            "libpq-malformed": {"connection.uri": f"{conninfo} password={password('')} dbname"},
        }[self.name]


FORMS = [
    Form("uri-slash", "configure"),
    Form("uri-hash", "configure"),
    Form("uri-question", "configure"),
    Form("uri-at", "configure"),
    Form("uri-fullwidth-slash", "configure"),
    Form("uri-bad-port", "configure"),
    Form("uri-bad-ipv6", "configure"),
    Form("uri-env", "configure"),  # the variable's value holds an unencoded '?'
    Form("uri-encoded", None),
    Form("credential-password", None),
    Form("credential-pass", None),
    Form("credential-env", None),
    Form("uri-query-password", None, servers=("postgres",)),
    Form("libpq", None, servers=("postgres",)),
    Form("libpq-quoted", None, servers=("postgres",)),
    Form("libpq-malformed", "open", servers=("postgres",)),  # the driver refuses it
]

CASES = [
    (backend, form) for form in FORMS for backend in BACKENDS if backend.server in form.servers
]


def entry(backend: Backend, form: Form, server_uri: str, *, port: int | None = None) -> str:
    """The YAML entry of ``backend`` in ``form``, aimed at ``server_uri``'s host (and
    at ``port`` instead of its port, for an unreachable one)."""
    parts = urlsplit(server_uri)
    host = parts.hostname or "127.0.0.1"
    keys = form.keys(backend, host, port or parts.port or 0)
    keys["options.retries"] = 0
    keys["options.connect_timeout"] = 2000
    keys["options.key_prefix" if backend.server == "redis" else "options.table"] = table_of(backend)
    lines = "".join(f"  {key}: {_scalar(value)}\n" for key, value in keys.items())
    return backend.entry + lines


def _scalar(value: Any) -> str:
    if isinstance(value, str) and value.startswith("${"):
        return value  # a lone marker, as a user writes it
    style = "'" if isinstance(value, str) else None
    return yaml.safe_dump(value, default_style=style, width=1 << 20).split("\n")[0]


_SESSION = uuid.uuid4().hex[:12]


def table_of(backend: Backend) -> str:
    """The table (or Redis key prefix) of ``backend`` in this test session."""
    return f"wirework_secret_{_SESSION}_{backend.name.replace('-', '_')}"


TABLES = [table_of(backend) for backend in BACKENDS if backend.server == "postgres"]
