"""The JSON Schema of a config file, so editors validate and complete it as it is typed.

A config is a list of entries (or a map of them). Each entry is matched the way the
container matches it: by ``type:`` when it has one, else by ``descriptor:``, the first
registration that matches winning. That is a chain of ``if``/``then``/``else``: a
wildcard field of a registration becomes ``[^:]+`` in the descriptor's pattern, and a
config may write ``*`` in any field. An entry matched by a component with a schema
gets that schema plus the container's keys (``additionalProperties: false``); any
other entry gets the container's keys and is otherwise open.

The schema describes the file as written, before interpolation, so wherever a scalar
is expected a ``${VAR}`` marker is accepted too. Regexes are written for ECMAScript
as well as Python, since editors' validators run JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, create_model
from pydantic.json_schema import models_json_schema

from wirework.config.schema._entry import EntryKeys
from wirework.descriptor import WILDCARD, Descriptor

DRAFT = "http://json-schema.org/draft-07/schema#"  # the draft editors' YAML servers all take
_DEFS = "definitions"  # draft 7's name for them
_MARKER = {"type": "string", "pattern": r"\$\{", "description": "a ${VAR} marker"}
_REGEX_SPECIALS = frozenset("\\^$.|?*+()[]{}/")
_SCALARS = frozenset({"string", "integer", "number", "boolean"})
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "not", "if", "then", "else")
_ANNOTATIONS = ("title", "description", "default", "unit", "writeOnly")  # shown on hover

Model = type[BaseModel]


def descriptor_pattern(registered: Descriptor) -> str:
    """A regex matching the config descriptors that ``registered`` would serve."""
    fields = ["[^:]+" if field == WILDCARD else f"(?:{_escape(field)}|\\*)" for field in registered]
    return "^" + ":".join(fields) + "$"


def config_document(
    by_type: Sequence[tuple[Sequence[str], Model | None]],
    by_descriptor: Sequence[tuple[Descriptor, Model | None]],
) -> dict[str, Any]:
    """The schema of a config file: ``by_type`` pairs the ``type:`` spellings of a class
    with its model, ``by_descriptor`` each registration with the model of what it
    creates, in the order the container tries them (``None``: no schema)."""
    models = list(dict.fromkeys(m for _, m in [*by_type, *by_descriptor] if m is not None))
    entries = {model: _with_entry_keys(model) for model in models}
    refs, definitions = models_json_schema(
        [(entry, "validation") for entry in entries.values()],
        ref_template=f"#/{_DEFS}/{{model}}",
    )
    defs: dict[str, Any] = definitions.get("$defs", {})

    def then(model: Model | None) -> dict[str, Any]:
        return {} if model is None else dict(refs[entries[model], "validation"])

    branches: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (
            {"required": ["type"], "properties": {"type": {"enum": list(spellings)}}},
            then(model),
        )
        for spellings, model in by_type
    ]
    branches += [
        (
            {
                "required": ["descriptor"],
                "not": {"required": ["type"]},
                "properties": {"descriptor": {"pattern": descriptor_pattern(locator)}},
            },
            then(model),
        )
        for locator, model in by_descriptor
    ]
    chain: dict[str, Any] = {}
    for condition, consequence in reversed(branches):
        chain = {"if": condition, "then": consequence, "else": chain}
    entry_keys = EntryKeys.model_json_schema()
    defs["entry"] = {
        "type": "object",
        "description": "a component: descriptor (built by a factory) and/or type (a class)",
        "properties": entry_keys["properties"],
        "anyOf": [{"required": ["descriptor"]}, {"required": ["type"]}],
        **chain,
    }
    defs["marker"] = dict(_MARKER)
    for name, definition in defs.items():
        if name != "marker":
            defs[name] = _accept_markers(definition)
    return {
        "$schema": DRAFT,
        "title": "wirework config",
        "description": "a list of component entries (or a map of them)",
        "type": ["array", "object"],  # items apply to a list, additionalProperties to a map
        "items": {"$ref": f"#/{_DEFS}/entry"},
        "additionalProperties": {"$ref": f"#/{_DEFS}/entry"},
        _DEFS: defs,
    }


def _with_entry_keys(model: Model) -> Model:
    """``model`` plus the container's keys, so ``additionalProperties: false`` allows them."""
    if issubclass(model, EntryKeys):
        return model
    combined: Model = create_model(
        model.__name__, __base__=(model, EntryKeys), __module__=model.__module__
    )
    return combined


def _accept_markers(schema: Any) -> Any:
    """``schema`` where every scalar also accepts a ``${VAR}`` marker string."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    for key in _SCHEMA_MAPS:
        if isinstance(out.get(key), dict):
            out[key] = {name: _accept_markers(value) for name, value in out[key].items()}
    for key in _SCHEMA_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [_accept_markers(value) for value in out[key]]
    for key in _SCHEMA_VALUES:
        if isinstance(out.get(key), dict):
            out[key] = _accept_markers(out[key])
    if out.get("type") in _SCALARS or "enum" in out or "const" in out:
        wrapper = {key: out.pop(key) for key in _ANNOTATIONS if key in out}
        return {**wrapper, "anyOf": [out, {"$ref": f"#/{_DEFS}/marker"}]}
    return out


def _escape(text: str) -> str:
    """``text`` as a literal in a regex both Python and ECMAScript (``u`` mode) accept:
    only syntax characters are escaped (``re.escape`` also escapes ``-``, which
    ECMAScript's unicode mode refuses)."""
    return "".join(f"\\{char}" if char in _REGEX_SPECIALS else char for char in text)
