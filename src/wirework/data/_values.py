"""The one rulebook for what a store accepts, shared by every backend of every store.

A store is swappable only if memory, SQLite, Redis and PostgreSQL refuse the same
keys and values with the same error. Real backends keep JSON text, so the rule is
"what survives a JSON round trip unchanged": ``None``, ``bool``, ``int``, finite
``float``, ``str`` (valid UTF-8), ``list`` and ``dict`` with ``str`` keys. Tuples are
refused rather than silently coming back as lists, and ``{1: ...}`` rather than
coming back as ``{"1": ...}``, so that what you load always equals what you saved.

Backends call :func:`check_key` and :func:`encode` / :func:`decode`. The memory
stores call :func:`freeze` / :func:`thaw` instead: the same validation, but a
container is kept as ``marshal`` bytes (format 2, which, like JSON and unlike
pickle, never makes two parts of a loaded value the same object), several times
cheaper than JSON text in CPython.

The limits are the tightest any backend imposes, so that every backend refuses the
same input with the same error before it is touched: a key (and an entity id or
state) is at most :data:`MAX_KEY_BYTES` of UTF-8, because PostgreSQL cannot index a
longer key beside a state; a TTL at most :data:`MAX_TTL` ms, far below where Redis
refuses an expiry; a version at most :data:`MAX_VERSION`, the largest integer Redis's
Lua (a double) holds exactly; a paging count at most :data:`MAX_PAGE_INDEX`, SQL's
``BIGINT``.
"""

from __future__ import annotations

import json
import marshal
import reprlib
from typing import Any, NoReturn

from wirework.errors import InvalidArgumentError, InvalidKeyError, UnstorableValueError

MAX_DEPTH = 256
"""Deepest nesting of lists and dicts accepted (SQLite's JSON functions stop at 1000)."""
MAX_KEY_BYTES = 1024
"""Longest key, entity id or state, in bytes of UTF-8 (PostgreSQL indexes ~2,700 per row)."""
MAX_TTL = 10**12
"""Longest time-to-live or timeout in milliseconds (about 31.7 years; 0 means "never")."""
MAX_VERSION = 2**53 - 1
"""Largest version: beyond it Redis's Lua numbers (doubles) would round versions."""
MAX_PAGE_INDEX = 2**63 - 1
"""Largest ``limit`` or ``offset`` of a listing: SQL's ``BIGINT``."""

_INT_LIMIT = 10**4300  # Python's default int<->str digit limit; beyond it JSON text fails
_EXPECTED = "a state value must be JSON: None, bool, int, float, str, list, or dict with str keys"
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_MARSHAL = 2  # no back-references: a list saved twice inside a value loads as two lists
_SHORT = reprlib.Repr()  # shows an argument in a message without quoting a megabyte of it
_SHORT.maxstring = _SHORT.maxother = 60
_LOG10_2 = 0.30103


class _Reject(Exception):
    """Raised deep in the walk; each level adds its index so the message shows a path."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path: list[str] = []


def check_key(key: Any, what: str = "state key") -> str:
    """Return ``key`` as a plain ``str`` or raise :class:`InvalidKeyError`.

    Keys go into SQL text columns and Redis key names, so NUL and unpaired
    surrogates (not valid UTF-8) are refused up front rather than by one backend,
    and so is a key longer than :data:`MAX_KEY_BYTES`, rather than by PostgreSQL's
    index alone.
    """
    if not isinstance(key, str):
        raise InvalidKeyError(f"{what} must be a str, got {shown_value(key, typed=True)}")
    # A subclass may answer ``in``, ``len`` or ``isascii`` falsely: check a plain copy.
    text = key if type(key) is str else str(str.__str__(key))
    if "\x00" in text:
        raise InvalidKeyError(
            f"{what} {shown_value(text)} contains a NUL character, which backends cannot store"
        )
    if text.isascii():
        size = len(text)
    else:
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError as exc:
            raise InvalidKeyError(
                f"{what} {shown_value(text)} is not valid UTF-8 (it contains an unpaired surrogate)"
            ) from exc
    if size > MAX_KEY_BYTES:
        raise InvalidKeyError(
            f"{what} {shown_value(text)} is {size:,} bytes long in UTF-8; "
            f"the limit is {MAX_KEY_BYTES:,} bytes"
        )
    return text


def check_ttl(ttl: Any, what: str = "ttl") -> int:
    """A time-to-live in milliseconds: a whole number up to :data:`MAX_TTL`, 0 = "forever"."""
    if type(ttl) is not int or not 0 <= ttl <= MAX_TTL:
        raise InvalidArgumentError(
            f"{what} must be a whole number of milliseconds from 0 to {MAX_TTL:,} "
            f"(0 = never expire), got {shown_value(ttl)}"
        )
    return ttl


def check_version(expected_version: Any) -> int:
    """An expected version: a whole number up to :data:`MAX_VERSION`, 0 = "must be absent"."""
    if type(expected_version) is not int or not 0 <= expected_version <= MAX_VERSION:
        raise InvalidArgumentError(
            f"expected_version must be a whole number from 0 to {MAX_VERSION:,} "
            f"(0 = create only if absent), got {shown_value(expected_version)}"
        )
    return expected_version


def check_page(limit: Any, offset: Any) -> tuple[int, int]:
    """``limit`` and ``offset`` of a listing: whole numbers up to :data:`MAX_PAGE_INDEX`."""
    for name, number in (("limit", limit), ("offset", offset)):
        if type(number) is not int or not 0 <= number <= MAX_PAGE_INDEX:
            raise InvalidArgumentError(
                f"{name} must be a whole number from 0 to 2**63 - 1, got {shown_value(number)}"
            )
    return limit, offset


def shown_value(value: Any, *, typed: bool = False) -> str:
    """``repr(value)`` for a message, shortened: an argument may be huge or hostile.

    An integer too long for ``repr`` (Python refuses beyond 4,300 digits) is described
    by its size instead. ``typed`` puts the type's name first (``int 42``).
    """
    if type(value) is int and value.bit_length() > 64:
        return f"an integer of about {int(value.bit_length() * _LOG10_2) + 1:,} digits"
    text = _SHORT.repr(value)
    return f"{type(value).__name__} {text}" if typed and value is not None else text


def canonical(value: Any, key: str, what: str = "the value of") -> Any:
    """A fresh copy of ``value`` made only of plain JSON types, or :class:`UnstorableValueError`.

    The error names the value as ``f"{what} {key!r}"``, built only when it is raised,
    so that a save that succeeds never formats a message.
    """
    try:
        return _canon(value, 0)
    except _Reject as reject:
        where = "value" + "".join(reversed(reject.path))
        raise UnstorableValueError(
            f"cannot store {what} {key!r}: {where} {reject.problem}", hint=_EXPECTED
        ) from None
    except RecursionError as exc:  # the caller's own stack was already deep
        raise UnstorableValueError(
            f"cannot store {what} {key!r}: value is nested too deeply", hint=_EXPECTED
        ) from exc


def encode(value: Any, key: str, what: str = "the value of") -> str:
    """JSON text for a backend to store; the same refusals as every other backend."""
    plain = _as_plain(value, key, what)
    try:
        return _ENCODER.encode(plain)
    except (ValueError, RecursionError) as exc:  # only a changed sys int-digit limit gets here
        raise UnstorableValueError(f"cannot store {what} {key!r}: {exc}", hint=_EXPECTED) from exc


def decode(text: str | bytes) -> Any:
    """The value back from the JSON text :func:`encode` produced."""
    return json.loads(text)


def freeze(value: Any, key: str, what: str = "the value of") -> Any:
    """Immutable stored form for the memory stores: a scalar as-is, a container as bytes.

    ``bytes`` is never a valid value, so :func:`thaw` can tell the two forms apart
    without a flag.
    """
    kind = type(value)
    if kind is str and value.isascii():
        return value
    plain = _as_plain(value, key, what)
    kind = type(plain)
    return marshal.dumps(plain, _MARSHAL) if kind is dict or kind is list else plain


def thaw(frozen: Any) -> Any:
    """A new object equal to what was frozen (scalars are immutable and returned as-is)."""
    return marshal.loads(frozen) if type(frozen) is bytes else frozen


def _as_plain(value: Any, key: str, what: str) -> Any:
    """``value`` itself when it is already canonical, else its canonical copy."""
    try:
        if _is_plain(value, 0):
            return value
    except RecursionError:  # the caller's stack was already deep: let canonical() explain
        pass
    return canonical(value, key, what)


def _is_plain(value: Any, depth: int) -> bool:
    """Whether ``value`` is already canonical: only exact JSON types, all valid.

    A cheap yes for the common case; any doubt (a subclass, a bad value, too deep)
    answers no, and :func:`canonical` then converts or explains. Scalars inside
    containers are checked inline because a call per item would double the cost.
    """
    kind = type(value)
    if kind is dict or kind is list:
        if depth >= MAX_DEPTH:
            return False
        if kind is dict:
            for key in value:
                if type(key) is not str or not (key.isascii() or _is_utf8(key)):
                    return False
            items = value.values()
        else:
            items = value
        for item in items:  # the scalar checks below, inlined: this loop is the hot one
            kind = type(item)
            if kind is str:
                if not (item.isascii() or _is_utf8(item)):
                    return False
            elif kind is int:
                if not -_INT_LIMIT < item < _INT_LIMIT:
                    return False
            elif kind is float:
                if item - item != 0.0:  # nan or +-inf
                    return False
            elif kind is dict or kind is list:
                if not _is_plain(item, depth + 1):
                    return False
            elif item is not None and kind is not bool:
                return False
        return True
    if kind is str:
        return value.isascii() or _is_utf8(value)
    if kind is int:
        return bool(-_INT_LIMIT < value < _INT_LIMIT)
    if kind is float:
        return bool(value - value == 0.0)
    return value is None or kind is bool


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _canon(value: Any, depth: int) -> Any:
    kind = type(value)
    if kind is str:
        if not value.isascii():
            _check_text(value)
        return value
    if kind is int:
        if -_INT_LIMIT < value < _INT_LIMIT:
            return value
        raise _Reject("is an integer with more than 4300 digits")
    if kind is float:
        if value - value == 0.0:  # false exactly for nan and +-inf
            return value
        raise _Reject(f"is {value!r}, which JSON cannot represent")
    if value is None or kind is bool:
        return value
    if kind is dict:
        return _canon_dict(value, depth)
    if kind is list:
        return _canon_list(value, depth)
    return _canon_subclass(value, depth)


def _canon_dict(value: dict[Any, Any], depth: int) -> dict[str, Any]:
    if depth >= MAX_DEPTH:
        _too_deep(value)
    out: dict[str, Any] = {}
    for key, item in value.items():
        if type(key) is not str:
            if not isinstance(key, str):
                kind_name = _a(type(key).__name__)
                raise _Reject(f"has {kind_name} key {key!r}; JSON object keys must be str")
            key = str.__str__(key)
        if not key.isascii():
            try:
                _check_text(key)
            except _Reject as reject:
                reject.problem = f"has a key {key!r} that {reject.problem}"
                raise
        try:
            out[key] = _canon(item, depth + 1)
        except _Reject as reject:
            reject.path.append(f"[{key!r}]")
            raise
    return out


def _canon_list(value: list[Any], depth: int) -> list[Any]:
    if depth >= MAX_DEPTH:
        _too_deep(value)
    out: list[Any] = []
    append = out.append
    for index, item in enumerate(value):
        try:
            append(_canon(item, depth + 1))
        except _Reject as reject:
            reject.path.append(f"[{index}]")
            raise
    return out


def _canon_subclass(value: Any, depth: int) -> Any:
    """Subclasses of JSON types (enums, OrderedDict...) become the plain type, as JSON would."""
    if isinstance(value, str):
        return _canon(str.__str__(value), depth)
    if isinstance(value, int):  # bool cannot be subclassed, so this is IntEnum and friends
        return _canon(int(value), depth)
    if isinstance(value, float):
        return _canon(float(value), depth)
    if isinstance(value, dict):
        return _canon_dict(value, depth)
    if isinstance(value, list):
        return _canon_list(value, depth)
    if isinstance(value, tuple):
        raise _Reject("is a tuple, which a backend would give back as a list; pass a list")
    raise _Reject(f"is {_a(type(value).__name__)}, which is not a JSON type")


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _Reject("is not valid UTF-8 (it contains an unpaired surrogate)") from None


def _too_deep(value: Any) -> NoReturn:
    if _is_cyclic(value):
        raise _Reject("contains itself (a circular reference)")
    raise _Reject(f"is nested more than {MAX_DEPTH} levels deep")


def _is_cyclic(root: Any) -> bool:
    """Only asked once a value is already too deep, so the happy path never pays for it."""
    on_path: set[int] = set()

    def visit(node: Any) -> bool:
        if not isinstance(node, dict | list):
            return False
        if id(node) in on_path:
            return True
        on_path.add(id(node))
        items = node.values() if isinstance(node, dict) else node
        found = any(visit(item) for item in items)
        on_path.discard(id(node))
        return found

    try:
        return visit(root)
    except RecursionError:
        return False
