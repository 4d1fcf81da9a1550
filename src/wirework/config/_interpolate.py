"""``${VAR}``, ``${VAR:-default}`` and ``${VAR:?message}`` on parsed YAML scalars.

Substitution happens after parsing, scalar by scalar, never on the raw text: a value
therefore cannot inject YAML structure, and a marker inside a comment is just a
comment. ``$$`` is a literal ``$``.

Anything else that looks like a marker is an error rather than text passed through:
a malformed ``${...}``, the dependency-injector form ``${VAR:default}``, a bare
``$VAR`` and the Pip.Services form ``{{VAR}}``. Passed through, each of them reaches
a component verbatim and fails far from the line that caused it (a URI "with scheme
'${STATE_URI:redis'"). Every problem and every missing variable is collected, so one
run reports them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wirework.config._scalars import typed_scalar

_NAME = r"[A-Za-z_][A-Za-z0-9_.]*"
_TOKEN = re.compile(
    r"\$(?:(?P<dollar>\$)|\{(?P<body>[^}]*)(?P<close>\}?)|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
    rf"|\{{\{{\s*(?P<mustache>{_NAME})\s*\}}\}}"
)
_BODY = re.compile(rf"(?P<name>{_NAME})(?:(?P<op>:-|:\?)(?P<arg>.*))?", re.DOTALL)
_LONE = re.compile(rf"\$\{{{_NAME}(?::[-?][^}}]*)?\}}")
_DI_FORM = re.compile(rf"(?P<name>{_NAME}):(?P<arg>.*)", re.DOTALL)
_SHOWN = 60  # longest marker text quoted back in a message


@dataclass(frozen=True, slots=True)
class MarkerProblem:
    """A missing variable or a malformed marker, where it was found."""

    source: str
    message: str
    missing: bool = False  # a variable without a value (else the marker itself is wrong)
    component: str | None = None  # the entry's descriptor or type, once it is known

    def __str__(self) -> str:
        where = f"{self.component} ({self.source})" if self.component else self.source
        return f"{where}: {self.message}"


def substitute(
    text: str,
    lookup: Callable[[str], str | None],
    source: str,
    problems: list[MarkerProblem],
    *,
    typed: bool,
    secret: bool = False,
) -> Any:
    """Replace the markers in one scalar; ``typed`` lets a lone marker take YAML typing.

    ``secret`` keeps the scalar's text out of the messages (a password may hold ``$``).
    """
    lone = typed and _LONE.fullmatch(text) is not None

    def replace(match: re.Match[str]) -> str:
        if match.group("dollar") is not None:
            return "$"
        body = match.group("body")
        if body is not None and match.group("close"):
            parsed = _BODY.fullmatch(body)
            if parsed is not None and "${" not in (parsed.group("arg") or ""):
                return _value(parsed, lookup, source, problems)
        problems.append(MarkerProblem(source, _describe(match, secret)))
        return ""

    result = _TOKEN.sub(replace, text)
    if lone and result != "":
        try:
            return typed_scalar(result)
        except ValueError as exc:
            problems.append(MarkerProblem(source, f"the value of {text} is an integer: {exc}"))
    return result


def _value(
    marker: re.Match[str],
    lookup: Callable[[str], str | None],
    source: str,
    problems: list[MarkerProblem],
) -> str:
    name, op, arg = marker.group("name", "op", "arg")
    value = lookup(name)
    if value is not None and value != "":
        return value
    if op == ":-":
        return str(arg)
    if value is not None and op is None:
        return value
    message = f"variable ${{{name}}} is not set"
    if op == ":?" and arg:
        message += f": {arg}"
    problems.append(MarkerProblem(source, message, missing=True))
    return ""


def _describe(match: re.Match[str], secret: bool) -> str:
    """What is wrong with a marker-like token, and the form to write instead."""
    if secret:
        return (
            "a '$' or '{{' in a secret value (not shown) is not a marker wirework reads; "
            "write ${NAME} or ${NAME:-default}, and $$ for a literal '$'"
        )
    shown = _quote(match.group(0))
    mustache, bare, body = match.group("mustache", "bare", "body")
    if mustache is not None:
        return (
            f"{shown} is the Pip.Services form, which wirework does not read; "
            f"write ${{{mustache}}} or ${{{mustache}:-default}}"
        )
    if bare is not None:
        return (
            f"{shown} is not a marker wirework reads; write ${{{bare}}} or "
            f"${{{bare}:-default}} (or $${bare} for a literal '$')"
        )
    assert body is not None
    if not match.group("close"):
        return (
            f"unterminated marker {shown}: '}}' is missing; write ${{NAME}} or ${{NAME:-default}}"
        )
    if not body.strip():
        return f"empty marker {shown}; write ${{NAME}} or ${{NAME:-default}}"
    if "${" in body:
        return f"nested marker in {shown}: a default is plain text, it cannot hold a marker"
    di_form = _DI_FORM.fullmatch(body)
    if di_form is not None:
        name, arg = di_form.group("name", "arg")
        return f"{shown} is the dependency-injector form; wirework reads ${{{name}:-{arg}}}"
    return (
        f"malformed marker {shown}: a variable name starts with a letter or '_' and holds "
        f"letters, digits, '_' and '.'; write ${{NAME}} or ${{NAME:-default}}"
    )


def _quote(fragment: str) -> str:
    if len(fragment) > _SHOWN:
        fragment = fragment[: _SHOWN - 3] + "..."
    return repr(fragment)
