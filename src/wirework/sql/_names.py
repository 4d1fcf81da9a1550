"""The one rule for table names, and the names wirework builds from them.

A table name comes from config, so it is held to a plain identifier (it is quoted
too, but never trusted): a letter or ``_``, then letters, digits or ``_``, at most
:data:`MAX_IDENTIFIER` characters, the tightest limit among the databases wirework
speaks (PostgreSQL cuts longer names to 63 bytes; MySQL allows 64; SQLite has none).

The objects a store keeps beside its table (an index, a version counter, a trigger)
are named ``<table>$<role>``. A table name never holds ``$``, so such a name can never
be another store's table, and two tables never share one. When ``<table>$<role>``
would pass the limit, the table part is shortened and a digest of the whole table
name keeps it apart from every other table's: the database never cuts a name itself,
which could make two of them one.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from wirework.data._values import shown_value
from wirework.errors import ConfigError

MAX_IDENTIFIER = 63
"""The longest table name, and the longest name built from one."""

IDENTIFIER = re.compile(rf"[A-Za-z_][A-Za-z0-9_]{{0,{MAX_IDENTIFIER - 1}}}")

_DIGEST = 16  # hex digits (64 bits) of the table name's digest in a shortened name


def check_table(name: Any, component: str, what: str = "options.table") -> str:
    """``name`` when it is a plain SQL identifier; a :class:`ConfigError` otherwise."""
    if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
        raise ConfigError(
            f"{what} must be an SQL identifier (a letter or _, then letters, digits or _, "
            f"at most {MAX_IDENTIFIER} characters), got {shown_value(name)}",
            component=component,
        )
    return name


def derived_name(table: str, role: str) -> str:
    """The name of ``table``'s object for ``role``, within :data:`MAX_IDENTIFIER`."""
    name = f"{table}${role}"
    if len(name) <= MAX_IDENTIFIER:
        return name
    digest = hashlib.blake2s(table.encode("ascii"), digest_size=_DIGEST // 2).hexdigest()
    keep = MAX_IDENTIFIER - len(role) - _DIGEST - 2
    return f"{table[:keep]}${digest}${role}"
