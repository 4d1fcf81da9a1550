"""``References``: the registry of live components, indexed by descriptor.

Pip.Services stores a list and wildcard-matches every entry on every lookup; here an
exact lookup is one dict hit and a wildcard lookup starts from the smallest per-field
bucket, so lookups stay flat as a service grows to thousands of components. Among
several matches the newest registration comes first, as in Pip.Services.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, overload, runtime_checkable

from wirework.descriptor import WILDCARD, Descriptor, closest_descriptors
from wirework.errors import ConfigError, MissingReferenceError
from wirework.refer._parse_cache import ParseCache

if TYPE_CHECKING:
    from wirework.refer._typed import Expected, T

Locator = Descriptor | str | type
"""What a lookup takes: a ``Descriptor``, its ``"group:type:kind:name:version"`` text, or
a class (for components registered under their type)."""
_Key = Descriptor | type

_PARSED = ParseCache()


def to_locator(locator: Locator) -> _Key:
    """A descriptor string becomes a ``Descriptor``; descriptors and classes pass through.

    Strings are parsed through a bounded cache, so looking up by a string literal
    costs little more than looking up by a ``Descriptor``.
    """
    if type(locator) is str:
        return _PARSED[locator]
    if type(locator) is Descriptor or isinstance(locator, type):
        return locator
    if isinstance(locator, str):  # a str subclass: parsed, never cached (see ParseCache)
        return Descriptor.from_string(locator)
    raise ConfigError(
        f"a locator must be a Descriptor, a 'group:type:kind:name:version' string "
        f"or a class, got {locator!r}"
    )


@runtime_checkable
class IReferences(Protocol):
    """What a component may do with the references it is given.

    Each ``get_*`` takes ``as_``: a class or runtime-checkable protocol the answer is
    declared (to a type checker) and checked (when it answers) to be, so
    ``get_one_required("*:state-store:*:*:1.0", as_=IStateStore)`` is an
    ``IStateStore``. Without it the answer is ``Any``.
    """

    def put(self, locator: Locator, component: Any) -> None: ...
    def remove(self, locator: Locator) -> Any: ...
    def get_all(self) -> list[Any]: ...
    def find(self, locator: Locator, required: bool) -> list[Any]: ...
    @overload
    def get_optional(self, locator: Locator) -> list[Any]: ...
    @overload
    def get_optional(self, locator: Locator, as_: Expected[T]) -> list[T]: ...
    @overload
    def get_required(self, locator: Locator) -> list[Any]: ...
    @overload
    def get_required(self, locator: Locator, as_: Expected[T]) -> list[T]: ...
    @overload
    def get_one_optional(self, locator: Locator) -> Any: ...
    @overload
    def get_one_optional(self, locator: Locator, as_: Expected[T]) -> T | None: ...
    @overload
    def get_one_required(self, locator: Locator) -> Any: ...
    @overload
    def get_one_required(self, locator: Locator, as_: Expected[T]) -> T: ...


@dataclass(slots=True, eq=False)
class _Entry:
    seq: int
    locator: _Key
    component: Any


class References:
    """Thread-safe, indexed component registry (Pip.Services' ``References``).

    Exact buckets and the pattern list are replaced, never mutated, so exact lookups
    read a consistent snapshot without taking the lock (``get_one_*`` answered from
    ``_fast`` below read one dict entry, equally lock-free). Each per-field index that
    serves wildcard lookups is built when a query first needs that field and kept up
    to date from then on, so registering a thousand components costs no index work
    until someone asks a wildcard question.

    Components registered under a wildcard descriptor (a container's own context
    info is one) match exact lookups too, and the newest match comes first. So
    ``get_one_*`` of a complete key may answer from its exact bucket alone only when
    its newest exact entry is newer than every wildcard entry that matches it.
    ``_fast`` keeps those answers, key to component, so such a lookup is one dict
    read: a new exact entry is the newest of all and goes in; a new wildcard entry
    may shadow any of them and empties it; removing an exact entry takes its key
    out. Keys come back when a lookup that missed finds, under the lock, that the
    newest match is an exact entry (:meth:`_newest`).
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._seq = itertools.count()
        self._entries: dict[int, _Entry] = {}
        self._exact: dict[_Key, tuple[_Entry, ...]] = {}
        self._patterns: tuple[_Entry, ...] = ()
        self._fast: dict[_Key, Any] = {}
        self._fields: list[dict[str, list[_Entry]] | None] = [None] * 5
        self._indexed = False  # whether any of _fields is built (else put skips them)

    @classmethod
    def from_tuples(cls, *pairs: Any) -> References:
        """``References.from_tuples(locator1, component1, locator2, component2, ...)``."""
        refs = cls()
        for locator, component in zip(pairs[::2], pairs[1::2], strict=True):
            refs.put(locator, component)
        return refs

    # -- mutation -------------------------------------------------------------------
    def put(self, locator: Locator, component: Any) -> None:
        if component is None:
            raise ConfigError(f"cannot register None under {locator}")
        key = to_locator(locator)
        with self._lock:
            entry = _Entry(next(self._seq), key, component)
            self._entries[entry.seq] = entry
            if isinstance(key, type) or key.is_complete:
                self._exact[key] = (*self._exact.get(key, ()), entry)
                self._fast[key] = component
            else:
                self._patterns = (*self._patterns, entry)
                self._fast = {}
            if self._indexed and isinstance(key, Descriptor):
                for field, value in zip(self._fields, key, strict=True):
                    if field is not None:
                        field.setdefault(value, []).append(entry)

    def remove(self, locator: Locator) -> Any:
        """Unregister the newest match and return its component (``None`` if none)."""
        with self._lock:
            found = self._match(to_locator(locator))
            if not found:
                return None
            self._drop(found[0])
            return found[0].component

    def remove_component(self, locator: Locator, component: Any) -> bool:
        """Unregister exactly ``component`` under ``locator``; False if it is not there."""
        key = to_locator(locator)
        with self._lock:
            for entry in self._match(key):
                if entry.component is component and entry.locator == key:
                    self._drop(entry)
                    return True
            return False

    def remove_all(self, locator: Locator) -> list[Any]:
        """Unregister every match; components newest first."""
        with self._lock:
            found = self._match(to_locator(locator))
            for entry in found:
                self._drop(entry)
            return [entry.component for entry in found]

    def _drop(self, entry: _Entry) -> None:
        del self._entries[entry.seq]
        key = entry.locator
        if isinstance(key, type) or key.is_complete:
            self._fast.pop(key, None)
            bucket = tuple(e for e in self._exact[key] if e is not entry)
            if bucket:
                self._exact[key] = bucket
            else:
                del self._exact[key]
        else:
            self._patterns = tuple(e for e in self._patterns if e is not entry)
        if isinstance(key, Descriptor):
            for field, value in zip(self._fields, key, strict=True):
                if field is not None:
                    field[value].remove(entry)
                    if not field[value]:
                        del field[value]

    # -- lookup ---------------------------------------------------------------------
    def get_all(self) -> list[Any]:
        """Every component, in registration order."""
        with self._lock:
            return [entry.component for entry in self._entries.values()]

    def get_all_locators(self) -> list[_Key]:
        with self._lock:
            return [entry.locator for entry in self._entries.values()]

    def find(self, locator: Locator, required: bool) -> list[Any]:
        """Components matching ``locator``, newest first; raise if ``required`` and none."""
        key = to_locator(locator)
        found = [entry.component for entry in self._match(key)]
        if required and not found:
            raise self.missing(key)
        return found

    @overload
    def get_optional(self, locator: Locator) -> list[Any]: ...
    @overload
    def get_optional(self, locator: Locator, as_: Expected[T]) -> list[T]: ...
    def get_optional(self, locator: Locator, as_: Any = None) -> list[Any]:
        """Every match of ``locator``, newest first (``[]`` when none)."""
        return self._typed_list(locator, False, as_)

    @overload
    def get_required(self, locator: Locator) -> list[Any]: ...
    @overload
    def get_required(self, locator: Locator, as_: Expected[T]) -> list[T]: ...
    def get_required(self, locator: Locator, as_: Any = None) -> list[Any]:
        """Every match of ``locator``, newest first; ``MissingReferenceError`` when none."""
        return self._typed_list(locator, True, as_)

    @overload
    def get_one_optional(self, locator: Locator) -> Any: ...
    @overload
    def get_one_optional(self, locator: Locator, as_: Expected[T]) -> T | None: ...
    def get_one_optional(self, locator: Locator, as_: Any = None) -> Any:
        """The newest match of ``locator``, or ``None``."""
        key = locator if type(locator) is Descriptor else to_locator(locator)
        if as_ is None:
            try:  # a subscript, not .get(): this is the hot path of every service
                return self._fast[key]
            except KeyError:
                pass  # outside the handler, so a MissingReferenceError has no KeyError context
            return self._newest(key, False)
        found = self.get_one_optional(key)
        return None if found is None else self._checked([found], as_, key)[0]

    @overload
    def get_one_required(self, locator: Locator) -> Any: ...
    @overload
    def get_one_required(self, locator: Locator, as_: Expected[T]) -> T: ...
    def get_one_required(self, locator: Locator, as_: Any = None) -> Any:
        """The newest match of ``locator``; ``MissingReferenceError`` when none.

        ``as_`` may be passed by position too: a keyword-only parameter would cost
        every lookup, typed or not, a tenth of its time.
        """
        key = locator if type(locator) is Descriptor else to_locator(locator)
        if as_ is None:
            try:
                return self._fast[key]
            except KeyError:
                pass
            return self._newest(key, True)
        return self._checked([self.get_one_required(key)], as_, key)[0]

    def _typed_list(self, locator: Locator, required: bool, as_: Any) -> list[Any]:
        found = self.find(locator, required)
        return found if as_ is None else self._checked(found, as_, locator)

    def _checked(
        self,
        found: list[Any],
        as_: Any,
        locator: Locator,
        *,
        component: str | None = None,
        source: str | None = None,
    ) -> list[Any]:
        """``found``, the answers to a lookup of ``locator``, each checked to be an
        ``as_`` (a ``ReferenceTypeError`` naming ``component`` and ``source``, the
        component that looked it up, when one is not)."""
        from wirework.refer._typed import all_conforming  # the typed lookups' only

        return all_conforming(
            found, as_, to_locator(locator), registry=self, component=component, source=source
        )

    def registered_under(self, locator: Locator, component: Any) -> object:
        """What ``component``, a match of ``locator``, is registered under (``None`` if
        it is not)."""
        with self._lock:
            for entry in self._match(to_locator(locator)):
                if entry.component is component:
                    return entry.locator
        return None

    def _newest(self, key: _Key, required: bool) -> Any:
        """The newest match of ``key`` (``None`` if none), kept in ``_fast`` when it is
        an exact entry: under the lock no put can slip in between answer and note."""
        with self._lock:
            matches = self._match(key)
            if matches:
                newest = matches[0]
                if newest.locator == key and (isinstance(key, type) or key.is_complete):
                    self._fast[key] = newest.component
                return newest.component
        if required:
            raise self.missing(key)
        return None

    def missing(
        self,
        key: _Key,
        *,
        component: str | None = None,
        source: str | None = None,
        asker: Any = None,
    ) -> MissingReferenceError:
        """The error for an unmatched ``key``, with the closest registered descriptors.

        ``asker`` is the component that looked ``key`` up: it is never suggested to
        itself.
        """
        if isinstance(key, type):
            return MissingReferenceError(key, component=component, source=source)
        with self._lock:
            known = [
                entry.locator
                for entry in self._entries.values()
                if isinstance(entry.locator, Descriptor) and entry.component is not asker
            ]
        return MissingReferenceError(
            str(key),
            component=component,
            source=source,
            candidates=[str(d) for d in closest_descriptors(key, known)],
        )

    def _match(self, key: _Key) -> list[_Entry]:
        """Entries matching ``key``, newest first."""
        if isinstance(key, type):
            return list(reversed(self._exact.get(key, ())))
        bucket = self._exact.get(key)
        if bucket is not None or key.is_complete:
            hits = bucket or ()
            patterns = self._patterns
            if patterns:
                extra = [e for e in patterns if e.locator.match(key)]  # type: ignore[union-attr]
                if extra:
                    return sorted((*hits, *extra), key=_newest)
            return list(reversed(hits))
        with self._lock:
            return self._wildcard(key)

    def _wildcard(self, key: Descriptor) -> list[_Entry]:
        """Start from the smallest bucket of any concrete field. Caller holds the lock."""
        candidates: list[_Entry] | None = None
        for position, value in enumerate(key):
            if value == WILDCARD:
                continue
            field = self._field(position)
            bucket = field.get(value, [])
            wild = field.get(WILDCARD)
            merged = bucket + wild if wild else bucket
            if candidates is None or len(merged) < len(candidates):
                candidates = merged
        if candidates is None:
            candidates = [e for e in self._entries.values() if isinstance(e.locator, Descriptor)]
        return sorted(
            (e for e in candidates if key.match(e.locator)),  # type: ignore[arg-type]
            key=_newest,
        )

    def _field(self, position: int) -> dict[str, list[_Entry]]:
        """The index of one descriptor field, built when a query first needs it."""
        field = self._fields[position]
        if field is None:
            field = {}
            for entry in self._entries.values():
                if isinstance(entry.locator, Descriptor):
                    field.setdefault(entry.locator[position], []).append(entry)
            self._fields[position] = field
            self._indexed = True
        return field


def _newest(entry: _Entry) -> int:
    return -entry.seq
