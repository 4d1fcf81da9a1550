"""Checking a config against its schema, with errors that point at the YAML.

``ConfigParams`` is flat dotted keys and pydantic validates nested values, so a check
drops null values (a key set to null means "not given", as ``configure`` always read
it), rebuilds the nested value (lists from their index keys), validates it, and maps
each error's ``loc`` back to the dotted key, whose own line ``ComponentSpec.source_of``
knows. What the messages need about a schema (the keys accepted in each section, the
expected type of each key with its unit, which values are never shown) is worked out
once per model, not per entry, to keep a thousand-entry config cheap.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ErrorType

from wirework.config._secrets import is_secret_key, redact_value
from wirework.config._spec import ComponentSpec
from wirework.config.schema._entry import EntryKeys
from wirework.config.schema._flat import (
    ENTRY_KEYS,
    Split,
    clash_message,
    entry_keys_to_check,
    nest_plain,
    short_key,
)
from wirework.config.schema._models import HIDDEN
from wirework.config.schema._wording import WORDS, describe, shown, slip_hint, unwrap
from wirework.errors import ConfigError, ConfigProblems, WireworkError, closest

_BUILT_IN_ERRORS = frozenset(typing.get_args(ErrorType)) - {"value_error", "assertion_error"}


def check_config(model: type[BaseModel], config: Mapping[str, Any], *, component: str) -> Any:
    """``config`` (a component's own, given directly) validated as ``model``; the keys the
    container owns are ignored. Raises :class:`ConfigProblems` with every problem."""
    split = Split(config)
    value, problems = _schema(model).validate(split, "", None, ())  # the heading names it
    if problems:
        raise ConfigProblems(problems, where=f"the config of {component}")
    return value


def check_spec(spec: ComponentSpec, model: type[BaseModel] | None) -> BaseModel | None:
    """``spec``'s entry keys checked, and, when the component has a ``model``, its own
    keys: the validated value (``None`` without a model)."""
    if model is None:
        if not entry_keys_to_check(spec.config):
            return None  # most entries of third-party components: nothing to check
    else:
        nested = nest_plain(spec.config)
        if nested is not None:  # the common case, kept short: it runs for every entry
            schema = _schema(model)
            try:
                value: BaseModel = schema.fast(nested)
            except ValidationError as exc:  # not chained: its text quotes values, secrets too
                problems = schema.report(exc, nested, spec.label, spec, ENTRY_KEYS)
                raise ConfigProblems(problems, where=f"the config of {spec.label}") from None
            return value
    split = Split(spec.config, nest=model is not None)
    problems = []
    if split.entry:
        problems += _schema(EntryKeys).validate(
            Split(split.entry, apart=False), spec.label, spec, ()
        )[1]
    checked = None
    if model is not None:
        checked, found = _schema(model).validate(split, spec.label, spec, ENTRY_KEYS)
        problems += found
    if problems:
        problems.sort(key=lambda problem: _line(problem.source))
        raise ConfigProblems(problems, where=f"the config of {spec.label}")
    return checked


def _line(source: str | None) -> int:
    return int(source.rpartition(":")[2]) if source and source[-1:].isdigit() else 0


class _Schema:
    """One model, with what its error messages need worked out in advance."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        if not model.__pydantic_complete__:  # a deferred build happens now, once
            model.model_rebuild()
        self.fast = model.__pydantic_validator__.validate_python  # skips a Python layer
        self.names: dict[str, list[str]] = {}  # section ("" = top) -> keys accepted there
        self.fields: dict[str, FieldInfo] = {}  # dotted key -> its field
        self.hidden: set[str] = set()  # dotted keys whose values are never shown
        self._walk(model, "")

    def _walk(self, model: type[BaseModel], section: str) -> None:
        names = self.names.setdefault(section, [])
        for name, field in model.model_fields.items():
            key_name = field.alias or name
            names.append(key_name)
            key = f"{section}.{key_name}" if section else key_name
            self.fields[key] = field
            base, metadata = unwrap(field.annotation)
            if HIDDEN in [*field.metadata, *metadata]:
                self.hidden.add(key)
            if isinstance(base, type) and issubclass(base, BaseModel):
                self._walk(base, key)

    def validate(
        self,
        split: Split,
        label: str,
        spec: ComponentSpec | None,
        also: frozenset[str] | tuple[()],
    ) -> tuple[Any, list[WireworkError]]:
        """``(model instance, [])``, or ``(None, problems)``; ``also`` are more keys a
        misspelled top-level key may have meant (the container's)."""
        if split.clash is not None:
            return None, [self._problem(clash_message(split.clash), None, split.clash, label, spec)]
        try:
            return self.fast(split.nested), []
        except ValidationError as exc:
            return None, self.report(exc, split.nested, label, spec, also)

    def report(
        self,
        exc: ValidationError,
        nested: dict[str, Any],
        label: str,
        spec: ComponentSpec | None,
        also: frozenset[str] | tuple[()],
    ) -> list[WireworkError]:
        """Each of pydantic's errors as a problem at its key's line, in line order."""
        problems: list[WireworkError] = []
        for error in exc.errors(include_url=False):
            key = _dotted(error["loc"], nested, error["type"])
            message, hint = self._explain(key, error, also)
            problems.append(self._problem(message, hint, key, label, spec))
        problems.sort(key=lambda problem: _line(problem.source))
        return problems

    @staticmethod
    def _problem(
        message: str, hint: str | None, key: str, label: str, spec: ComponentSpec | None
    ) -> ConfigError:
        source = spec.source_of(key) if spec is not None else None
        return ConfigError(message, component=label or None, source=source, hint=hint)

    def _explain(
        self, key: str, error: ErrorDetails, also: frozenset[str] | tuple[()]
    ) -> tuple[str, str | None]:
        kind = error["type"]
        if kind == "extra_forbidden":
            section, _, leaf = key.rpartition(".")
            suggestion = self._suggest(section, leaf, also if not section else ())
            return f"unknown key {short_key(key)}", suggestion
        if kind == "missing":
            return f"{key} is required", self._about(key)
        if kind not in _BUILT_IN_ERRORS:  # a validator's own message (a rule, a level...)
            context = error.get("ctx") or {}
            cause = context.get("error")
            text = str(cause) if cause is not None else error["msg"]
            return (text if text.startswith(key) else f"{key}: {text}"), context.get("hint")
        field = self.fields.get(key)
        expected = describe(field) if field is not None else WORDS.get(kind)
        value = error["input"]
        hidden = key in self.hidden or is_secret_key(key)
        got = "a value that is not shown (secret)" if hidden else shown(redact_value(key, value))
        if expected is None:
            return f"{key}: {error['msg'].lower()}, got {got}", None
        return f"{key}: expected {expected}, got {got}", slip_hint(kind, value)

    def _suggest(self, section: str, leaf: str, also: frozenset[str] | tuple[()]) -> str:
        names = [*self.names.get(section, ()), *sorted(also)]
        prefix = f"{section}." if section else ""
        elsewhere = [key for key in self.fields if key.rpartition(".")[2] == leaf]
        if elsewhere:  # the right key at the wrong level beats a near spelling here
            return f"did you mean {elsewhere[0]}?"
        near = closest(leaf, names)
        if near:
            return f"did you mean {prefix}{near[0]}?"
        own = self.names.get(section, [])
        if not own:
            return f"{section or 'this component'} takes no keys"
        return f"keys accepted {'in ' + section if section else 'here'}: {', '.join(own)}"

    def _about(self, key: str) -> str | None:
        field = self.fields.get(key)
        return field.description if field is not None else None


_schemas: dict[type[BaseModel], _Schema] = {}


def _schema(model: type[BaseModel]) -> _Schema:
    """Built once per model; a race builds it twice with the same result."""
    found = _schemas.get(model)
    if found is None:
        found = _schemas[model] = _Schema(model)
    return found


def _dotted(loc: tuple[int | str, ...], data: Any, kind: str) -> str:
    """The dotted key of an error's ``loc``: the steps that exist in the validated value.

    A step that is not there is a union member or a validator's tag, not a key,
    except the last step of a missing key.
    """
    parts: list[str] = []
    node = data
    last = len(loc) - 1
    for index, step in enumerate(loc):
        child = _child(node, step)
        if child is not _ABSENT:
            node = child
        elif not (index == last and kind == "missing"):
            continue
        parts.append(str(step))
    return ".".join(parts)


_ABSENT = object()


def _child(node: Any, step: int | str) -> Any:
    if isinstance(node, dict):
        return node.get(step, _ABSENT)
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    return _ABSENT
