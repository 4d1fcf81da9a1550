"""JSON text as the dialects send and read it: compact, strict out, lenient in.

Out, every document and filter value is :data:`dumps` text: NaN and infinities are
refused, since no database stores them. In, a row written by other means (an older
version, another program, a hand) may hold text that does not parse, or nests deeper
than the parser follows; :func:`lenient_loads` gives an :class:`UnparsedDocument` for
it instead of raising, so one such row never fails a whole result.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

dumps: Callable[[Any], str] = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":")
).encode
"""Compact JSON; NaN and infinities are refused, since neither database accepts them."""

_BIG_FLOATS = re.compile(r'"(?:[^"\\]|\\.)*"|(-?[0-9]+(?:\.[0-9]+)?e\+[0-9]+)')


class UnparsedDocument:
    """What :func:`lenient_loads` gives for a stored text it cannot parse."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def lenient_loads(text: str | bytes) -> Any:
    """``json.loads`` that never raises (see the module's doc)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        return UnparsedDocument(f"{type(exc).__name__}: {str(exc)[:200]}")


def exact_floats(text: str) -> str:
    """JSON text with every float written in exponent form (``1e+16`` and up, by
    Python's ``repr``) spelled as its exact decimal value plus ``.0``.

    PostgreSQL keeps ``jsonb`` numbers as decimals: it prints ``1e+16`` back as
    ``10000000000000000``, which ``json.loads`` reads as an int, and compares the
    decimal ``1e300`` unequal to the float ``1e300``. The spelled-out decimal keeps
    the float and compares as one.
    """
    if "e+" not in text:
        return text
    return _BIG_FLOATS.sub(_spell_out, text)


def _spell_out(match: re.Match[str]) -> str:
    number = match.group(1)
    return match.group(0) if number is None else f"{int(float(number))}.0"


def json_path(steps: Sequence[str]) -> str:
    """A JSON path of object keys; each step quoted, so a key holding ``.``, ``[`` or
    spaces names itself."""
    return "$" + "".join(f'."{step}"' for step in steps)
