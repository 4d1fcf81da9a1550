"""``FilterParams``: the declarative filter every persistence backend understands.

A callable filter only works in memory; a map of field equalities can be translated
into a ``WHERE`` clause. So the map form is the portable one, and its meaning is kept
small enough for SQL to reproduce exactly (see ``wirework.persistence._query``):

* ``{"key": value}`` matches items whose ``key`` equals ``value`` (native comparison,
  no stringification: ``5`` does not match ``"5"``);
* a list, tuple or set value matches any of its members (``IN``); an empty one
  matches nothing;
* a ``None`` value puts no constraint on that field, so a filter can be built from
  optional request parameters without ``if`` chains, as Pip.Services services do;
* a dotted key (``"address.city"``) reaches into nested maps or attributes.
"""

from __future__ import annotations

from typing import Self

from wirework.data._any_value_map import AnyValueMap


class FilterParams(AnyValueMap):
    """Field-equality filter with Pip.Services' constructors and typed getters."""

    @classmethod
    def from_string(cls, text: str | None) -> Self:
        """Parse ``"key=a;status=new"``; values stay strings, a bare key means ``None``."""
        result = cls()
        for chunk in (text or "").split(";"):
            if not chunk.strip():
                continue
            key, sep, value = chunk.partition("=")
            result[key.strip()] = value if sep else None
        return result
