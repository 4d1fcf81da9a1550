"""The rulebook of the identifiable persistences: item ids, documents, filter values.

Memory, file, SQLite and PostgreSQL persistences keep items as JSON documents keyed by
id, so they take the value rules of :mod:`wirework.data._values` (what survives a JSON
round trip unchanged) plus two limits of their own: PostgreSQL's ``jsonb`` cannot hold
``\u0000``, and SQLite compares an integer beyond 64 bits as an inexact float. Filter
values follow the same rules, so a filter means the same thing on every backend; ids are
what a SQL text key can hold.

The walks reuse the value rules' own (``_is_plain``, ``_canon`` and the path-carrying
``_Reject``), so a value is judged once by one set of rules and explained the same way.
"""

from __future__ import annotations

from typing import Any

from wirework.data._values import (
    _ENCODER,
    MAX_KEY_BYTES,
    _a,
    _canon,
    _is_plain,
    _Reject,
    canonical,
    check_key,
)
from wirework.errors import InvalidArgumentError, InvalidKeyError, UnstorableValueError

MAX_ID_BYTES = MAX_KEY_BYTES
"""Longest item id, in UTF-8 bytes: a state key's limit, for the same PostgreSQL index."""

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
_DOCUMENT_EXPECTED = (
    "item fields must be JSON values: None, bool, int (64-bit), finite float, str without "
    "NUL, and lists or dicts (with str keys) of those"
)


def check_id(item_id: Any, component: str | None = None) -> str:
    """The text an item is keyed by, or :class:`InvalidKeyError` (naming ``component``).

    An id is a ``str`` (the rules of :func:`check_key`, at most :data:`MAX_ID_BYTES`)
    or an ``int`` within 64 bits, keyed by its decimal text: ``1`` and ``"1"`` name one
    item on every backend, as they must in a SQL text column. ``True`` is not the id
    ``1`` and ``1.0`` is no id at all, so both are refused rather than matched by
    accident.
    """
    if (
        type(item_id) is str
        and len(item_id) <= MAX_ID_BYTES // 4
        and item_id.isascii()
        and "\x00" not in item_id
    ):
        return item_id  # the common case, without the general checks below
    try:
        return _id_text(item_id)
    except InvalidKeyError as exc:
        if component is None:
            raise
        raise InvalidKeyError(exc.message, component=component) from exc


def _id_text(item_id: Any) -> str:
    if isinstance(item_id, int) and not isinstance(item_id, bool):
        if not INT64_MIN <= item_id <= INT64_MAX:
            raise InvalidKeyError(f"id {item_id} does not fit in 64 bits")
        return str(int(item_id))
    if not isinstance(item_id, str):
        shown = "None" if item_id is None else f"{type(item_id).__name__} {item_id!r}"
        raise InvalidKeyError(f"id must be a str or an int, got {shown}")
    return check_key(item_id, "id")


def check_document(
    value: Any, key: Any, what: str = "the item", component: str | None = None
) -> Any:
    """``value`` (or its canonical copy) if a persistence can store it and give it back
    equal; otherwise :class:`UnstorableValueError` naming ``component`` and the part."""
    try:
        if (type(value) is dict and plain_fields(value)) or (
            _is_plain(value, 0) and _within_limits(value)
        ):
            return value  # the common case: judged in a pass or two, nothing copied
    except RecursionError:  # the caller's stack was already deep: explain below
        pass
    try:
        plain = canonical(value, key, what)
        _check_limits(plain)
    except UnstorableValueError as exc:
        raise UnstorableValueError(
            exc.message, component=component, hint=_DOCUMENT_EXPECTED
        ) from exc
    except _Reject as reject:
        where = "value" + "".join(reversed(reject.path))
        raise UnstorableValueError(
            f"cannot store {what} {key!r}: {where} {reject.problem}",
            component=component,
            hint=_DOCUMENT_EXPECTED,
        ) from None
    return plain


def encode_document(
    value: Any, key: Any, what: str = "the item", component: str | None = None
) -> str:
    """JSON text of a persistence document, after :func:`check_document`."""
    plain = check_document(value, key, what, component)
    try:
        return _ENCODER.encode(plain)
    except (ValueError, RecursionError) as exc:  # the caller's stack was already deep
        raise UnstorableValueError(
            f"cannot store {what} {key!r}: {exc}", component=component, hint=_DOCUMENT_EXPECTED
        ) from exc


def check_filter_value(value: Any, field: str) -> Any:
    """A scalar a filter may compare ``field`` with, in its plain type, or
    :class:`InvalidArgumentError`: the scalars a document may hold, except ``None``."""
    problem = None
    if value is None or isinstance(value, dict | list | tuple | set | frozenset):
        problem = f"is {'None' if value is None else _a(type(value).__name__)}"
    else:
        try:
            plain = _canon(value, 0)
            _check_limits(plain)
        except _Reject as reject:
            problem = reject.problem
    if problem is not None:
        raise InvalidArgumentError(
            f"cannot filter {field!r} on {_shown(value)}: the value {problem}",
            hint="filter values are str, int, float and bool; a list, tuple or set of "
            "those matches any of them; dotted keys reach nested fields ('address.city')",
        )
    return plain


def plain_fields(fields: dict[Any, Any]) -> bool:
    """A quick yes for a dict that both :func:`_is_plain` and :func:`_within_limits`
    accept, in one pass over its fields instead of two: ASCII keys and text, 64-bit
    ints, finite floats, ``None`` and bools are judged here; a nested list or dict is
    judged by those two. Anything else (non-ASCII text included) answers no, and the
    caller takes the full path, which decides."""
    for key, item in fields.items():
        if type(key) is not str or not key.isascii() or "\x00" in key:
            return False
        kind = type(item)
        if kind is str:
            if not item.isascii() or "\x00" in item:
                return False
        elif kind is int:
            if not INT64_MIN <= item <= INT64_MAX:
                return False
        elif kind is float:
            if item - item != 0.0:  # nan or +-inf
                return False
        elif kind is dict or kind is list:
            if not (_is_plain(item, 1) and _within_limits(item)):
                return False
        elif item is not None and kind is not bool:
            return False
    return True


def _within_limits(value: Any) -> bool:
    """A quick yes for :func:`_check_limits`. Scalar checks are inlined, as in
    :func:`_is_plain`, since a call per field would double what a write costs."""
    kind = type(value)
    if kind is dict:
        for key in value:
            if "\x00" in key:
                return False
        items = value.values()
    else:
        items = value if kind is list else (value,)
    for item in items:
        kind = type(item)
        if kind is str:
            if "\x00" in item:
                return False
        elif kind is int:
            if not INT64_MIN <= item <= INT64_MAX:
                return False
        elif (kind is dict or kind is list) and not _within_limits(item):
            return False
    return True


def _check_limits(value: Any) -> None:
    """The persistences' two limits, on a value the rules above already made plain;
    raises ``_Reject`` with the path to the first value beyond them."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if "\x00" in key:
                raise _Reject(f"has a key {key!r} with a NUL character, {_NO_NUL}")
            _check_item_limits(item, f"[{key!r}]")
    elif kind is list:
        for index, item in enumerate(value):
            _check_item_limits(item, f"[{index}]")
    else:
        _check_item_limits(value, None)


def _check_item_limits(item: Any, step: str | None) -> None:
    kind = type(item)
    problem = None
    if kind is str:
        if "\x00" in item:
            problem = f"contains a NUL character, {_NO_NUL}"
    elif kind is int:
        if not INT64_MIN <= item <= INT64_MAX:
            problem = "is an integer beyond 64 bits, which SQLite compares only approximately"
    elif kind is dict or kind is list:
        try:
            _check_limits(item)
        except _Reject as reject:
            if step is not None:
                reject.path.append(step)
            raise
    if problem is not None:
        refusal = _Reject(problem)
        if step is not None:
            refusal.path.append(step)
        raise refusal


_NO_NUL = "which PostgreSQL cannot store"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."
