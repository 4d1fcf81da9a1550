"""Config schemas: the keys a component accepts, checked before its ``configure`` runs.

A component class declares ``config_schema``: a :class:`ComponentConfig` subclass, or
a ``"module:Class"`` path to one, so that a module the container imports anyway (the
loggers, :class:`~wirework.container.ContextInfo`) does not import pydantic. This
package's top level stays that light too: it resolves schemas, hands out the one
validated model per config, and imports the validation machinery (``check``) only
when a config is actually checked. The pieces a schema is made of (``ComponentConfig``,
the shared sections, ``milliseconds``...) are handed out here too, but their module
imports pydantic, so it is imported on first use of one of them.

The container validates each entry once, before ``configure``, and hands the model
over for the duration of that call (:func:`hand_over`); a built-in component's
``configure`` calls :func:`validated`, which returns that model, or validates a config
given to it directly, so a store configured without a container cannot coerce either.
``configure`` still receives the entry's own ``ConfigParams`` (Pip.Services' signature):
no copy per entry, and the model lives only as long as the component keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar, Token
from functools import cache
from typing import TYPE_CHECKING, Any, TypeAlias

from wirework._lazy import lazy_names
from wirework.config._params import ConfigParams
from wirework.errors import ConfigError, WireworkError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from wirework.config._spec import ComponentSpec
    from wirework.config.schema._models import (
        ComponentConfig,
        Connection,
        ConnectOptions,
        Credential,
        Rule,
        Secret,
        milliseconds,
    )

__all__ = [
    "ComponentConfig",
    "ConnectOptions",
    "Connection",
    "Credential",
    "Rule",
    "SchemaRef",
    "Secret",
    "milliseconds",
    "schema_of",
    "validated",
]

# The pieces a schema is made of import pydantic: only when first asked for.
_MODELS = (
    "ComponentConfig",
    "ConnectOptions",
    "Connection",
    "Credential",
    "Rule",
    "Secret",
    "milliseconds",
)
__getattr__, __dir__ = lazy_names(
    __name__, dict.fromkeys(_MODELS, "wirework.config.schema._models")
)

SchemaRef: TypeAlias = "type[BaseModel] | str"
"""What ``config_schema`` holds: a model, or its ``"module:Class"`` path."""

# Per class, its resolved schema (None: it declares none). A race computes one twice,
# with the same result; a dict assignment is atomic, so no lock is needed.
_schemas: dict[type, type[BaseModel] | None] = {}


# The config being configured by the container and its validated model, if any. A
# context variable, so threads (and tasks) building containers at once do not mix.
_handed: ContextVar[tuple[ConfigParams, BaseModel] | None] = ContextVar(
    "wirework_validated_config", default=None
)


def hand_over(config: ConfigParams, model: BaseModel | None) -> Token[Any] | None:
    """Until :func:`take_back`, :func:`validated` returns ``model`` for ``config``: the
    container calls it around ``configure``, so an entry is validated once."""
    return None if model is None else _handed.set((config, model))


def take_back(token: Token[Any] | None) -> None:
    """Ends what :func:`hand_over` began: ``configure`` has returned."""
    if token is not None:
        _handed.reset(token)


def schema_of(cls: type) -> type[BaseModel] | None:
    """The config model ``cls`` declares (its ``config_schema``), resolved once."""
    try:
        return _schemas[cls]
    except KeyError:
        pass
    declared = getattr(cls, "config_schema", None)
    model = None if declared is None else _resolve(cls, declared)
    _schemas[cls] = model
    return model


def _resolve(cls: type, declared: object) -> type[BaseModel]:
    from pydantic import BaseModel

    from wirework.build._types import load_type

    where = f"{cls.__module__}.{cls.__qualname__}.config_schema"
    try:
        model = load_type(declared) if isinstance(declared, str) else declared
    except WireworkError as exc:
        raise ConfigError(f"{where} cannot be loaded: {exc.message}", hint=exc.hint) from exc
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise ConfigError(f"{where} must be a pydantic model class, got {model!r}")
    for base in cls.__mro__[1:]:
        if "config_schema" in vars(base):
            inherited = schema_of(base)
            if inherited is not None and not issubclass(model, inherited):
                raise ConfigError(
                    f"{where} ({model.__qualname__}) must extend {inherited.__qualname__}, "
                    f"the schema of {base.__qualname__}: its configure reads those keys"
                )
            break
    return model


def validated(component: object, config: ConfigParams) -> Any:
    """The validated model of ``config`` for ``component``'s class, which declares one.

    Reuses the container's result while it configures this very ``config`` (see
    :func:`hand_over`), so an entry is validated once; otherwise validates now and
    raises :class:`~wirework.errors.ConfigProblems` listing every problem. Keys the
    container owns (``descriptor``, ``dependencies``...) are ignored here.
    """
    model = schema_of(type(component))
    if model is None:
        raise ConfigError(
            f"{type(component).__qualname__} declares no config_schema",
            hint="a subclass of a built-in that reads other keys declares a model extending "
            "its parent's",
        )
    handed = _handed.get()
    if handed is not None and handed[0] is config and type(handed[1]) is model:
        return handed[1]
    from wirework.config.schema._check import check_config

    return check_config(model, config, component=type(component).__name__)


def check_entry(spec: ComponentSpec, cls: type | None) -> BaseModel | None:
    """``spec`` checked against the container's keys and the schema of ``cls``, what
    it is built as: the validated model (``None``: ``cls`` has no schema), or every
    problem at once as :class:`~wirework.errors.ConfigProblems`, each key at its
    ``file:line``. ``cls`` is ``None`` for an entry an override replaces: the real
    component is never created, so only the container's keys are checked."""
    try:
        model = None if cls is None else schema_of(cls)
    except ConfigError as exc:
        raise ConfigError(
            exc.message, component=spec.label, source=spec.source, hint=exc.hint
        ) from exc
    return _check_spec()(spec, model)


@cache
def _check_spec() -> Callable[[ComponentSpec, type[BaseModel] | None], BaseModel | None]:
    """``check.check_spec``, imported on first use (it imports pydantic) and then kept:
    an import statement costs more than the check of an entry without a schema."""
    from wirework.config.schema._check import check_spec

    return check_spec
