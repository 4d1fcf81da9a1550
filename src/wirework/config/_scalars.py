"""YAML typing of one scalar, without a parser, and the bound on integers.

A value from the environment (``port: ${PORT}``) takes YAML typing so that it reads as
it would have if written in the file. Typing it by parsing it as a YAML document would
let the environment inject structure, and a value of 2,000 ``[`` would recurse in the
parser; so only the implicit resolver runs (one regular-expression match), and only
the scalar types come out: int, float, bool and null. Anything else stays text.

Integers are bounded in the file and the environment alike: Python refuses to print
an integer of more than 4,300 digits, so a larger one would fail later, wherever a
message or ``repr`` shows it.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

MAX_INT_DIGITS = 1000
_MAX_INT_BITS = 3322  # 2**3322 has 1,000 decimal digits
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_SCALAR_TAGS = {
    "tag:yaml.org,2002:int": SafeConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": SafeConstructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": SafeConstructor.construct_yaml_null,
}


def typed_scalar(text: str) -> Any:
    """``text`` as the int, float, bool or null a plain YAML scalar would be; else ``text``.

    Raises ``ValueError`` for an integer beyond :data:`MAX_INT_DIGITS`.
    """
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    construct = _SCALAR_TAGS.get(tag)
    if construct is None:
        return text
    if tag == "tag:yaml.org,2002:int" and len(text) > 4 * MAX_INT_DIGITS:
        raise ValueError(_too_long(text))
    return check_int(construct(_CONSTRUCTOR, yaml.ScalarNode(tag, text)), text)


def check_int(value: Any, text: str) -> Any:
    """``value`` unchanged, unless it is an integer too long to be printed safely."""
    if type(value) is int and value.bit_length() > _MAX_INT_BITS:
        raise ValueError(_too_long(text))
    return value


def _too_long(text: str) -> str:
    return (
        f"it has about {len(text):,} characters; wirework refuses integers "
        f"of more than {MAX_INT_DIGITS:,} digits"
    )
