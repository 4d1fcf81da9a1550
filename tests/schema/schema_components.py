"""Third-party style components for the schema tests (named by ``type:``)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from wirework.build._drivers import Driver
from wirework.config import ConfigParams
from wirework.config.schema import ComponentConfig, SchemaRef, milliseconds, validated
from wirework.persistence import IdentifiableMemoryPersistence
from wirework.persistence._schema import MemoryPersistenceConfig

CONFIGURED: list[tuple[ConfigParams, Any]] = []
VALIDATED: list[Any] = []  # every value pydantic validated as a CountedConfig


class WidgetOptions(ComponentConfig):
    interval: int = milliseconds(1000, "how often it ticks")
    mode: str = Field("fast", description="how it ticks")


class WidgetConfig(ComponentConfig):
    options: WidgetOptions = WidgetOptions()


class Widget:
    """Declares its schema as a class; records what configure received, and the model."""

    config_schema: ClassVar[SchemaRef] = WidgetConfig

    def configure(self, config: ConfigParams) -> None:
        CONFIGURED.append((config, validated(self, config)))


class LazyWidget(Widget):
    """The same schema, named by path, as a module that avoids importing pydantic would."""

    config_schema: ClassVar[SchemaRef] = "schema_components:WidgetConfig"


class CountedConfig(ComponentConfig):
    size: int = 0

    @model_validator(mode="before")
    @classmethod
    def _count(cls, value: Any) -> Any:
        VALIDATED.append(value)
        return value


class Counted:
    """Reads its settings as the built-ins do: through ``validated``."""

    config_schema: ClassVar[SchemaRef] = CountedConfig

    def __init__(self) -> None:
        self.size = -1

    def configure(self, config: ConfigParams) -> None:
        self.size = validated(self, config).size


class Plain:
    """No schema: its keys are its own business, as before schemas existed."""

    def __init__(self) -> None:
        self.config: Any = None

    def configure(self, config: ConfigParams) -> None:
        self.config = config


class NeedsDriver(Plain):
    drivers: ClassVar[tuple[Driver, ...]] = (
        Driver("no_such_driver_xyz", "the XYZ driver", "pip install 'acme[xyz]'"),
    )


class Unrelated(ComponentConfig):
    colour: str = "red"


class Forgetful(IdentifiableMemoryPersistence[Any]):
    """A schema that does not extend its parent's: refused, its parent reads options."""

    config_schema: ClassVar[SchemaRef] = Unrelated


class Coloured(MemoryPersistenceConfig):
    colour: str = "red"


class ColouredPersistence(IdentifiableMemoryPersistence[Any]):
    """Extends its parent's schema: both its key and the parent's are accepted."""

    config_schema: ClassVar[SchemaRef] = Coloured


class Misnamed(Plain):
    config_schema: ClassVar[SchemaRef] = "schema_components:NoSuchModel"
