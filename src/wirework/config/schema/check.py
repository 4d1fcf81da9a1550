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

import reprlib
import typing
from collections.abc import Mapping
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ErrorType

from wirework.config.loader import ComponentSpec
from wirework.config.params import ConfigParams, is_secret_key
from wirework.config.schema import CheckedConfig
from wirework.config.schema.entry import EntryKeys
from wirework.config.schema.models import HIDDEN
from wirework.errors import ConfigError, ConfigProblems, WireworkError, closest

__all__ = ["ENTRY_KEYS", "check_config", "check_spec"]

ENTRY_KEYS = frozenset(EntryKeys.model_fields)
_LOADER_CHECKED = frozenset({"descriptor", "type"})  # the loader already refused bad ones
MAX_DEPTH = 32  # levels of a key; deeper is refused, not recursed through
_BUILT_IN_ERRORS = frozenset(typing.get_args(ErrorType)) - {"value_error", "assertion_error"}
_WORDS = {  # expected values, for a key the schema only knows through a map or a list
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "text",
    "dict_type": "a map",
    "model_type": "a map",
    "list_type": "a list",
}
_LOW = (annotated_types.Ge, annotated_types.Gt)
_HIGH = (annotated_types.Le, annotated_types.Lt)
_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxlevel = 60, 60, 5, 4, 2
_YAML_BOOLEANS = "YAML reads unquoted yes, no, on, off, true and false as booleans"


def check_config(model: type[BaseModel], config: Mapping[str, Any], *, component: str) -> Any:
    """``config`` (a component's own, given directly) validated as ``model``; the keys the
    container owns are ignored. Raises :class:`ConfigProblems` with every problem."""
    split = _Split(config)
    value, problems = _schema(model).validate(split, "", None, ())  # the heading names it
    if problems:
        raise ConfigProblems(problems, where=f"the config of {component}")
    return value


def check_spec(spec: ComponentSpec, model: type[BaseModel] | None) -> ConfigParams:
    """The config ``configure`` gets for ``spec``: its entry keys checked, and, when the
    component has a ``model``, its own keys as well (a :class:`CheckedConfig`)."""
    split = _Split(spec.config, nest=model is not None)
    problems: list[WireworkError] = []
    if split.unchecked_entry_keys:
        problems += _schema(EntryKeys).validate(
            _Split(split.entry, apart=False), spec.label, spec, ()
        )[1]
    config = spec.config
    if model is not None:
        value, found = _schema(model).validate(split, spec.label, spec, ENTRY_KEYS)
        problems += found
        if value is not None:
            config = CheckedConfig(spec.config, value)
    if problems:
        problems.sort(key=lambda problem: _line(problem.source))
        raise ConfigProblems(problems, where=f"the config of {spec.label}")
    return config


class _Split:
    """A flat config as the nested value pydantic validates, the container's keys
    kept apart (unless ``apart`` is false; without ``nest`` only they are collected).

    Null values are dropped (not given). Lists come back from their index keys. This
    runs for every entry, so each key's parts are worked out once per process, and
    the list pass runs only for a config that has an index key.
    """

    __slots__ = ("clash", "entry", "nested", "unchecked_entry_keys")

    def __init__(self, flat: Mapping[str, Any], *, apart: bool = True, nest: bool = True) -> None:
        self.entry: dict[str, Any] = {}  # the container's keys, flat (top level only)
        self.nested: dict[str, Any] = {}
        self.clash: str | None = None  # a key given as value and section, or too deep
        self.unchecked_entry_keys = False  # container keys beyond what the loader checked
        sections: set[int] | None = None  # ids of the maps made here, not map values
        indexed = False
        known = _KEYS
        for key, value in flat.items():
            if value is None:
                continue
            head, parents, leaf, has_index = known.get(key) or _parts(key)
            if len(parents) >= MAX_DEPTH:
                self.clash = self.clash or key
                continue
            if apart and head in ENTRY_KEYS:
                self.entry[key] = value
                self.unchecked_entry_keys |= head not in _LOADER_CHECKED
                continue
            if not nest:
                continue
            indexed = indexed or has_index
            node = self.nested
            if parents:
                if sections is None:
                    sections = {id(node)}
                for depth, part in enumerate(parents):
                    child = node.get(part)
                    if child is None or id(child) not in sections:
                        if child is not None and child != {}:
                            self.clash = self.clash or ".".join(parents[: depth + 1])
                            break
                        node[part] = child = {}  # absent, or an empty map value
                        sections.add(id(child))
                    node = child
                else:
                    if leaf in node and id(node[leaf]) in sections:
                        self.clash = self.clash or key
                    node[leaf] = value
            elif sections is not None and leaf in node and id(node[leaf]) in sections:
                self.clash = self.clash or key
            else:
                node[leaf] = value
        if indexed:
            _lists_within(self.nested)


def _clash(key: str) -> str:
    if key.count(".") >= MAX_DEPTH:
        return f"{_SHORT.repr(key)[1:-1]} is nested more than {MAX_DEPTH} levels deep"
    return f"{_SHORT.repr(key)[1:-1]} is given both as a value and as a section of keys"


_KEYS: dict[str, tuple[str, tuple[str, ...], str, bool]] = {}


def _parts(key: str) -> tuple[str, tuple[str, ...], str, bool]:
    """``(head, parents, leaf, has an index part)`` of a dotted key, remembered (keys
    repeat in every entry); the memo is bounded so hostile configs cannot grow it."""
    found = _KEYS.get(key)
    if found is None:
        *parents, leaf = key.split(".")
        head = parents[0] if parents else leaf
        found = (head, tuple(parents), leaf, any(p.isdigit() for p in (*parents, leaf)))
        if len(_KEYS) >= 4096:
            _KEYS.clear()
        _KEYS[key] = found
    return found


def _lists_within(node: dict[str, Any]) -> None:
    """Every map below ``node`` whose keys are exactly ``0..n-1`` made a list again."""
    for key, value in node.items():
        if isinstance(value, dict):
            _lists_within(value)
            if value and all(k == str(i) for i, k in enumerate(value)):
                node[key] = list(value.values())


def _line(source: str | None) -> int:
    return int(source.rpartition(":")[2]) if source and source[-1:].isdigit() else 0


class _Schema:
    """One model, with what its error messages need worked out in advance."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        if not model.__pydantic_complete__:  # a deferred build happens now, once
            model.model_rebuild()
        self._validate = model.__pydantic_validator__.validate_python  # skips a Python layer
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
            base, metadata = _unwrap(field.annotation)
            if HIDDEN in [*field.metadata, *metadata]:
                self.hidden.add(key)
            if isinstance(base, type) and issubclass(base, BaseModel):
                self._walk(base, key)

    def validate(
        self,
        split: _Split,
        label: str,
        spec: ComponentSpec | None,
        also: frozenset[str] | tuple[()],
    ) -> tuple[Any, list[WireworkError]]:
        """``(model instance, [])``, or ``(None, problems)``; ``also`` are more keys a
        misspelled top-level key may have meant (the container's)."""
        if split.clash is not None:
            return None, [self._problem(_clash(split.clash), None, split.clash, label, spec)]
        nested = split.nested
        try:
            return self._validate(nested), []
        except ValidationError as exc:
            problems: list[WireworkError] = []
            for error in exc.errors(include_url=False):
                key = _dotted(error["loc"], nested, error["type"])
                message, hint = self._explain(key, error, also)
                problems.append(self._problem(message, hint, key, label, spec))
            return None, problems

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
            hint = self._suggest(section, leaf, also if not section else ())
            return f"unknown key {_SHORT.repr(key)[1:-1]}", hint
        if kind == "missing":
            return f"{key} is required", self._about(key)
        if kind not in _BUILT_IN_ERRORS:  # a validator's own message (a rule, a level...)
            context = error.get("ctx") or {}
            cause = context.get("error")
            text = str(cause) if cause is not None else error["msg"]
            return (text if text.startswith(key) else f"{key}: {text}"), context.get("hint")
        field = self.fields.get(key)
        expected = _describe(field) if field is not None else _WORDS.get(kind)
        value = error["input"]
        hidden = key in self.hidden or is_secret_key(key)
        got = "a value that is not shown (secret)" if hidden else _shown(value)
        if expected is None:
            return f"{key}: {error['msg'].lower()}, got {got}", None
        return f"{key}: expected {expected}, got {got}", _hint(kind, value)

    def _suggest(self, section: str, leaf: str, also: frozenset[str] | tuple[()]) -> str:
        names = [*self.names.get(section, ()), *sorted(also)]
        prefix = f"{section}." if section else ""
        near = closest(leaf, names)
        if near:
            return f"did you mean {prefix}{near[0]}?"
        elsewhere = [key for key in self.fields if key.rpartition(".")[2] == leaf]
        if elsewhere:
            return f"did you mean {elsewhere[0]}?"
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


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The type under ``Optional`` and ``Annotated``, and the metadata met on the way."""
    metadata: list[Any] = []
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            metadata.extend(annotation.__metadata__)
            annotation = annotation.__origin__
            continue
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(members) == 1 and type(None) in typing.get_args(annotation):
            annotation = members[0]
            continue
        return annotation, metadata


def _describe(field: FieldInfo) -> str:
    """What a key expects, in words: type, unit, bounds ("a whole number of
    milliseconds >= 0")."""
    base, metadata = _unwrap(field.annotation)
    origin = typing.get_origin(base)
    if origin is Literal:
        phrase = "one of " + ", ".join(repr(arg) for arg in typing.get_args(base))
    elif base is bool:
        phrase = "true or false"
    elif base is int:
        phrase = "a whole number"
    elif base is float:
        phrase = "a number"
    elif base is str:
        phrase = "text"
    elif base is dict or origin is dict or (isinstance(base, type) and issubclass(base, BaseModel)):
        phrase = "a map"
    elif base is list or origin is list:
        phrase = "a list"
    else:
        phrase = getattr(base, "__name__", str(base))
    extra = field.json_schema_extra
    if isinstance(extra, dict) and extra.get("unit") == "ms":
        phrase += " of milliseconds"
    bounds = _bounds([*field.metadata, *metadata])
    return f"{phrase} {bounds}" if bounds else phrase


def _bounds(metadata: list[Any]) -> str:
    low = next(
        (m for m in metadata if isinstance(m, annotated_types.Ge | annotated_types.Gt)), None
    )
    high = next(
        (m for m in metadata if isinstance(m, annotated_types.Le | annotated_types.Lt)), None
    )
    length = next((m for m in metadata if isinstance(m, annotated_types.MinLen)), None)
    if isinstance(low, annotated_types.Ge) and isinstance(high, annotated_types.Le):
        return f"from {low.ge} to {high.le}"
    words = []
    if low is not None:
        words.append(f">= {low.ge}" if isinstance(low, annotated_types.Ge) else f"> {low.gt}")
    if high is not None:
        words.append(f"<= {high.le}" if isinstance(high, annotated_types.Le) else f"< {high.lt}")
    if length is not None and length.min_length == 1:
        words.append("not empty")
    return ", ".join(words)


def _shown(value: Any) -> str:
    """A value as a message shows it: short, and with what YAML made of it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    kind = (
        "a whole number"
        if isinstance(value, int)
        else "a number"
        if isinstance(value, float)
        else "text"
        if isinstance(value, str)
        else "a list"
        if isinstance(value, list)
        else "a map"
        if isinstance(value, dict)
        else type(value).__name__
    )
    return f"{_SHORT.repr(value)} ({kind})"


def _hint(kind: str, value: Any) -> str | None:
    """The usual YAML slip behind a wrong type, when there is one."""
    if kind in ("string_type", "literal_error"):
        if isinstance(value, bool):
            return f"{_YAML_BOOLEANS}: quote the value ('off') to keep it text"
        if isinstance(value, int | float):
            return "quote it to keep it text"
    if kind == "int_type":
        if isinstance(value, float):
            return "whole numbers only: no fraction, exponent, inf or nan"
        if isinstance(value, str) and _is_number(value):
            return "a quoted number is text in YAML: write it without quotes"
        if isinstance(value, bool):
            return f"{_YAML_BOOLEANS}, never as numbers"
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
