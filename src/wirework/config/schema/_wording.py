"""Problems in words: what a key expects, what it got, and the YAML slip behind it.

A message names the expected type with its unit and bounds ("a whole number of
milliseconds >= 0"), shows the value short and says what YAML made of it
("'1.9' (text)"), because the reader has a YAML file open, not a pydantic model.
"""

from __future__ import annotations

import reprlib
import typing
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

WORDS = {  # expected values, for a key the schema only knows through a map or a list
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


def unwrap(annotation: Any) -> tuple[Any, list[Any]]:
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


def describe(field: FieldInfo) -> str:
    """What a key expects, in words: type, unit, bounds ("a whole number of
    milliseconds >= 0")."""
    base, metadata = unwrap(field.annotation)
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
        return f"from {_number(low.ge)} to {_number(high.le)}"
    words = []
    if isinstance(low, annotated_types.Ge):
        words.append(f">= {_number(low.ge)}")
    elif low is not None:
        words.append(f"> {_number(low.gt)}")
    if isinstance(high, annotated_types.Le):
        words.append(f"<= {_number(high.le)}")
    elif high is not None:
        words.append(f"< {_number(high.lt)}")
    if length is not None and length.min_length == 1:
        words.append("not empty")
    return ", ".join(words)


def _number(bound: Any) -> str:
    """A bound as the other limits of wirework are written: ``1,000,000,000,000``."""
    return f"{bound:,}" if isinstance(bound, int) else str(bound)


def shown(value: Any) -> str:
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


def slip_hint(kind: str, value: Any) -> str | None:
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
