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
"""

from __future__ import annotations

import json
import marshal
from typing import Any, NoReturn

from wirework.errors import WireworkError

__all__ = [
    "MAX_DEPTH",
    "InvalidArgumentError",
    "InvalidKeyError",
    "UnstorableValueError",
    "canonical",
    "check_key",
    "check_ttl",
    "check_version",
    "decode",
    "encode",
    "freeze",
    "thaw",
]

MAX_DEPTH = 256
"""Deepest nesting of lists and dicts accepted (SQLite's JSON functions stop at 1000)."""

_INT_LIMIT = 10**4300  # Python's default int<->str digit limit; beyond it JSON text fails
_EXPECTED = "a state value must be JSON: None, bool, int, float, str, list, or dict with str keys"
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_MARSHAL = 2  # no back-references: a list saved twice inside a value loads as two lists


class InvalidKeyError(WireworkError, ValueError):
    """A state key (or entity id) that no backend could store."""


class UnstorableValueError(WireworkError, ValueError):
    """A value that no backend could store and give back equal."""


class InvalidArgumentError(WireworkError, ValueError):
    """A ``ttl``, ``expected_version`` or paging argument outside what it may be."""


class _Reject(Exception):
    """Raised deep in the walk; each level adds its index so the message shows a path."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path: list[str] = []


def check_key(key: Any, what: str = "state key") -> str:
    """Return ``key`` as a plain ``str`` or raise :class:`InvalidKeyError`.

    Keys go into SQL text columns and Redis key names, so NUL and unpaired
    surrogates (not valid UTF-8) are refused up front rather than by one backend.
    """
    if not isinstance(key, str):
        shown = "None" if key is None else f"{type(key).__name__} {key!r}"
        raise InvalidKeyError(f"{what} must be a str, got {shown}")
    if "\x00" in key:
        raise InvalidKeyError(
            f"{what} {key!r} contains a NUL character, which backends cannot store"
        )
    if not key.isascii():
        try:
            key.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidKeyError(
                f"{what} {key!r} is not valid UTF-8 (it contains an unpaired surrogate)"
            ) from exc
    return key if type(key) is str else str(str.__str__(key))


def check_ttl(ttl: Any) -> int:
    """A per-item time-to-live in milliseconds: a whole number >= 0, where 0 is "forever"."""
    if type(ttl) is not int or ttl < 0:
        raise InvalidArgumentError(
            f"ttl must be a whole number of milliseconds >= 0 (0 = never expire), got {ttl!r}"
        )
    return ttl


def check_version(expected_version: Any) -> int:
    """An expected version: a whole number >= 0, where 0 means "the key must be absent"."""
    if type(expected_version) is not int or expected_version < 0:
        raise InvalidArgumentError(
            "expected_version must be a whole number >= 0 (0 = create only if absent), "
            f"got {expected_version!r}"
        )
    return expected_version


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


# -- item ids and documents of the identifiable persistences -----------------------------
# Memory, file, SQLite and PostgreSQL persistences keep items as JSON documents keyed by
# id, so they take the value rules above plus two limits of their own: PostgreSQL's
# ``jsonb`` cannot hold ``\u0000``, and SQLite compares an integer beyond 64 bits as an
# inexact float. Filter values follow the same rules, so a filter means the same thing
# on every backend.

MAX_ID_BYTES = 1024
"""Longest item id, in UTF-8 bytes (a PostgreSQL unique index refuses keys over ~2.7 kB)."""

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
    key = check_key(item_id, "id")
    size = len(key.encode("utf-8"))
    if size > MAX_ID_BYTES:
        raise InvalidKeyError(
            f"id {key[:40]!r}... is {size} bytes long; ids are at most {MAX_ID_BYTES} bytes "
            f"of UTF-8"
        )
    return key


def check_document(
    value: Any, key: Any, what: str = "the item", component: str | None = None
) -> Any:
    """``value`` (or its canonical copy) if a persistence can store it and give it back
    equal; otherwise :class:`UnstorableValueError` naming ``component`` and the part."""
    try:
        if _is_plain(value, 0) and _within_limits(value):
            return value  # the common case: one pass for each rule, nothing copied
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
