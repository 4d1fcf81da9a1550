"""``${VAR}``, ``${VAR:-default}`` and ``${VAR:?message}`` on parsed YAML scalars.

Substitution happens after parsing, scalar by scalar, never on the raw text: a value
therefore cannot inject YAML structure, and a marker inside a comment is just a
comment. Every missing variable is collected, so one run reports them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["Missing", "substitute"]

_MARKER = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_.]*)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}"
)


@dataclass(frozen=True, slots=True)
class Missing:
    """A variable that had no value and no default, where it was used."""

    name: str
    source: str
    message: str | None = None

    def __str__(self) -> str:
        text = f"{self.source}: variable ${{{self.name}}} is not set"
        return f"{text}: {self.message}" if self.message else text


def substitute(
    text: str,
    lookup: Callable[[str], str | None],
    source: str,
    missing: list[Missing],
    *,
    typed: bool,
) -> Any:
    """Replace the markers in one scalar; ``typed`` lets a lone marker take YAML typing."""
    if "$" not in text:
        return text
    whole = _MARKER.fullmatch(text)

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name", "op", "arg")
        value = lookup(name)
        if value is not None and value != "":
            return value
        if op == ":-":
            return arg
        if value is not None and op is None:
            return value
        missing.append(Missing(name, source, arg if op == ":?" and arg else None))
        return ""

    result = _MARKER.sub(replace, text)
    if typed and whole is not None and whole.group(0) != "$$" and result != "":
        return _scalar(result)
    return result


def _scalar(text: str) -> Any:
    """YAML typing for a substituted value, refusing anything that is not a scalar."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return text if isinstance(value, dict | list) or value is None else value
