"""The keys the container owns on every entry, declared once.

They are validated for every entry (with or without a component schema), stripped
before the component's own schema applies, and part of every entry in the JSON
Schema. Adding a key the container reads is one field here. (The model lives in
``config`` rather than ``container`` because direct ``configure`` calls strip the same
keys, and ``config`` must not import ``container``.)
"""

from __future__ import annotations

from pydantic import Field

from wirework.config.schema._models import ComponentConfig

_DESCRIPTOR_PATTERN = r"^(?:[^:]+(?::[^:]+){4}|.*\$\{.*)$"  # five parts, or a ${VAR} in it


class EntryKeys(ComponentConfig):
    """``descriptor``, ``type``, ``dependencies``, ``alias`` and the entry's lifecycle
    bounds: read by the container and the dependency-injector bridge, never by the
    component."""

    descriptor: str | None = Field(
        None,
        description="group:type:kind:name:version ('*' as a wildcard): the factory builds it",
        json_schema_extra={"pattern": _DESCRIPTOR_PATTERN},
    )
    type: str | None = Field(
        None,
        description="the class to create: package.module:Class (or Class,package.module)",
    )
    dependencies: dict[str, str] | None = Field(
        None,
        description="named references, name: descriptor; they also order the graph",
    )
    alias: str | None = Field(
        None, description="the dependency-injector provider name (a Python identifier)"
    )
    open_timeout: int | None = Field(
        None,
        ge=1,
        description="ms one open attempt may take before the start fails "
        "(default: the container's, 60000)",
    )
    close_timeout: int | None = Field(
        None,
        ge=1,
        description="ms a close may take before it is abandoned (default: the container's, 10000)",
    )
    health_timeout: int | None = Field(
        None,
        ge=1,
        description="ms a check_health may take before it counts as failed "
        "(default: the container's, 5000)",
    )
    open_retries: int = Field(
        0, ge=0, le=100, description="how many times a failed open is tried again"
    )
    open_backoff: int = Field(
        1000,
        ge=0,
        description="ms before the first retry of a failed open; doubles each retry, at most 30 s",
    )
