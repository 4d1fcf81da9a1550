"""The pieces component config schemas are made of: a strict base model and shared sections.

pydantic v2 is the ecosystem's convention for this, and it gives what wirework needs
without hand-written coercion: strict mode refuses ``true`` or ``1.5`` where a whole
number is due (no bool->int, no float->int, no "1.9"->1), every error of a value comes
back at once with its location, and the same declaration exports JSON Schema for
editors. Importing this module imports pydantic, so only the validation step and
the schema modules do; ``import wirework.container`` does not.

A component declares ``config_schema``: a subclass of :class:`ComponentConfig` (or a
``"module:Class"`` path to one) whose fields are the keys its ``configure`` reads.
Sections are nested models (``options``, ``connection``, ``credential``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from wirework.config._uri import scheme_of
from wirework.errors import ConfigError, WireworkError


class ComponentConfig(BaseModel):
    """Base of every config schema: unknown keys and loose types are errors.

    Frozen, because the validated config is shared by the container and the
    component; ``defer_build`` because a schema module declares several models and a
    config uses a few: each is built on its first validation.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Hidden:
    """Field marker: the value is never shown in an error (a secret, a URI that may hold one)."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = Hidden()


@dataclass(frozen=True, slots=True)
class Rule:
    """A field's rule taken from one of wirework's own checks (``check_table``...).

    Put in ``Annotated[str, Rule(check)]``: the schema then refuses exactly what the
    component's constructor refuses, in the same words, at the key's own line.
    ``check`` returns the value to keep (it may convert it) or raises a
    :class:`~wirework.errors.WireworkError`. ``pattern`` is the rule as a JSON Schema
    regex; ``json_schema`` replaces the generated one, for an ``Annotated[Any, ...]``
    field whose ``check`` alone decides what is valid.
    """

    check: Callable[[Any], Any]
    pattern: str | None = None
    json_schema: Mapping[str, Any] | None = None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._apply, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        if self.json_schema is not None:
            return dict(self.json_schema)
        json_schema = handler(schema)
        if self.pattern is not None:
            json_schema["pattern"] = self.pattern
        return json_schema

    def _apply(self, value: Any) -> Any:
        try:
            return self.check(value)
        except WireworkError as exc:
            raise refusal(exc.message, hint=exc.hint) from None


def refusal(message: str, *, hint: str | None = None) -> PydanticCustomError:
    """The error a validator raises: pydantic collects it with the others, and the
    message and hint reach the user as written."""
    return PydanticCustomError("wirework_rule", "{message}", {"message": message, "hint": hint})


def uri_schemes(*schemes: str, libpq: bool = False) -> Rule:
    """A URI rule: it starts with one of ``schemes`` (``"redis"`` -> ``redis://``), or is
    empty, meaning unset (``uri: ${STATE_URI:-}``); with ``libpq``, a libpq ``key=value``
    string (``host=db dbname=app``) is accepted too, as PostgreSQL's driver reads one. A
    wrong URI is named by its scheme only, as the rest may hold a password."""
    prefixes = tuple(f"{scheme}://" for scheme in schemes)
    listing = prefixes[0] if len(prefixes) == 1 else f"{', '.join(prefixes[:-1])} or {prefixes[-1]}"
    if libpq:
        listing += ", or be a libpq string (host=... dbname=...)"
    conninfo = re.compile(_CONNINFO) if libpq else None

    def check(value: str) -> str:
        libpq_string = conninfo is not None and conninfo.match(value) is not None
        if value and not value.startswith(prefixes) and not libpq_string:
            raise ConfigError(f"must start with {listing}, got scheme {scheme_of(value)!r}")
        return value

    alternatives = f"({'|'.join(schemes)})://.*" + (f"|{_CONNINFO}.*" if libpq else "")
    return Rule(check, pattern=f"^({alternatives})?$")


_CONNINFO = r"\s*[A-Za-z_][A-Za-z0-9_]*\s*="  # how a libpq string starts: its first key=


Secret = Annotated[
    str,
    HIDDEN,
    Field(description="a secret: never printed", json_schema_extra={"writeOnly": True}),
]
"""A string that never appears in logs, errors or ``repr``."""


def milliseconds(default: int, description: str, *, least: int = 0, most: int | None = None) -> Any:
    """A field of whole milliseconds ``>= least`` (and ``<= most``); the unit goes in the
    description and in the JSON Schema (``"unit": "ms"``), where editors show it."""
    return Field(
        default,
        ge=least,
        le=most,
        description=f"{description} (milliseconds)",
        json_schema_extra={"unit": "ms"},
    )


class HostPort(ComponentConfig):
    """Where a server listens, when no URI says it."""

    host: str | None = Field(None, description="host name or address (default 127.0.0.1)")
    port: int | None = Field(None, ge=1, le=65535, description="TCP port")


class Connection(HostPort):
    """``connection.*``: where a server is. A URI, or host/port/database; explicit keys
    override the URI's parts."""

    uri: Annotated[str, HIDDEN] | None = Field(
        None, description="the server's URI; it may hold a password, so it is never printed"
    )
    database: str | None = Field(None, description="database name")


class PostgresConnection(Connection):
    """PostgreSQL's ``connection.*``: a ``postgresql://`` URI or a libpq string, or
    host/port (5432)/database."""

    uri: Annotated[str, HIDDEN, uri_schemes("postgresql", "postgres", libpq=True)] | None = Field(
        None,
        description="postgresql://user:password@host:5432/database, or a libpq string "
        "(host=... dbname=...); never printed",
    )


class Credential(ComponentConfig):
    """``credential.*``: who connects. ``user``/``pass`` are Pip.Services' spellings."""

    username: str | None = Field(None, description="user name")
    user: str | None = Field(None, description="user name (Pip.Services' spelling)")
    password: Secret | None = None
    pass_: Secret | None = Field(None, alias="pass")


class ConnectOptions(ComponentConfig):
    """The ``options.*`` every server backend reads when it connects."""

    connect_timeout: int = milliseconds(
        5000, "how long one connection attempt (or a lock) may take", least=1
    )
    retries: int = Field(
        3, ge=0, description="connection attempts after the first on open, with backoff"
    )
