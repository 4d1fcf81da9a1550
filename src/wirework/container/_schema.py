"""The config schema of :class:`~wirework.container._info.ContextInfo` (imported when a
config is checked, so ``import wirework.container`` stays free of pydantic)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from wirework.config.schema import ComponentConfig


class InfoSection(ComponentConfig):
    """``info.*``: Pip.Services' place for the same two keys."""

    name: str | None = Field(None, description="the service's name")
    description: str | None = Field(None, description="what the service does")


class ContextInfoConfig(ComponentConfig):
    """``pip-services:context-info:default:*:1.0``: who this process is."""

    name: str | None = Field(
        None, description="the service's name, in log lines (default wirework)"
    )
    description: str | None = Field(None, description="what the service does")
    info: InfoSection = InfoSection()
    properties: dict[str, Any] = Field(
        default_factory=dict, description="free-form properties of the service"
    )
