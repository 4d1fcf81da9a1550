"""The references as one component sees them.

The container hands each component a view instead of the registry itself. The view
records what the component looked up while it was being wired, so the dependency
graph needs no extra declaration; it never returns the component to itself (a
composite logger asking for ``*:logger:*:*:*`` does not recurse into itself); and a
failed required lookup names the component that asked and its YAML line.

Components keep their view for run-time lookups, so ``get_one_*`` takes the same
exact fast path as ``References``: the registry's newest match of a complete key
(``References._fast``) is the view's answer too, unless it is the owner itself, the
one component a view skips; then, and on a miss, the view asks ``find``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

from wirework.descriptor import Descriptor
from wirework.refer._references import Locator, References, to_locator

if TYPE_CHECKING:
    from wirework.refer._typed import Expected, T


class ReferencesView:
    """An ``IReferences`` bound to one ``owner`` component."""

    def __init__(self, references: References, owner: Any, label: str, source: str | None) -> None:
        self._references = references
        self._owner = owner
        self.label = label
        self.source = source
        self.recorded: dict[int, Any] = {}
        self._recording = True

    def stop_recording(self) -> None:
        """Later lookups (at run time) no longer shape the graph nor grow the record."""
        self._recording = False

    def put(self, locator: Locator, component: Any) -> None:
        self._references.put(locator, component)

    def remove(self, locator: Locator) -> Any:
        return self._references.remove(locator)

    def get_all(self) -> list[Any]:
        return [c for c in self._references.get_all() if c is not self._owner]

    def find(self, locator: Locator, required: bool) -> list[Any]:
        return self._lookup(locator, required, one=False)

    @overload
    def get_optional(self, locator: Locator) -> list[Any]: ...
    @overload
    def get_optional(self, locator: Locator, as_: Expected[T]) -> list[T]: ...
    def get_optional(self, locator: Locator, as_: Any = None) -> list[Any]:
        """Every match of ``locator`` but the owner, newest first (``[]`` when none)."""
        found = self._lookup(locator, False, one=False)
        return found if as_ is None else self._conforming(found, as_, locator)

    @overload
    def get_required(self, locator: Locator) -> list[Any]: ...
    @overload
    def get_required(self, locator: Locator, as_: Expected[T]) -> list[T]: ...
    def get_required(self, locator: Locator, as_: Any = None) -> list[Any]:
        """Every match of ``locator`` but the owner; ``MissingReferenceError`` when none."""
        found = self._lookup(locator, True, one=False)
        return found if as_ is None else self._conforming(found, as_, locator)

    @overload
    def get_one_optional(self, locator: Locator) -> Any: ...
    @overload
    def get_one_optional(self, locator: Locator, as_: Expected[T]) -> T | None: ...
    def get_one_optional(self, locator: Locator, as_: Any = None) -> Any:
        """The newest match of ``locator`` but the owner, or ``None``."""
        key = locator if type(locator) is Descriptor else to_locator(locator)
        component = self._newest(key)
        if component is None:
            found = self._lookup(key, False, one=True)
            if not found:
                return None
            component = found[0]
        return component if as_ is None else self._conforming([component], as_, key)[0]

    @overload
    def get_one_required(self, locator: Locator) -> Any: ...
    @overload
    def get_one_required(self, locator: Locator, as_: Expected[T]) -> T: ...
    def get_one_required(self, locator: Locator, as_: Any = None) -> Any:
        """The newest match of ``locator`` but the owner; ``MissingReferenceError``
        naming the owner and its line when none."""
        key = locator if type(locator) is Descriptor else to_locator(locator)
        component = self._newest(key)
        if component is None:
            component = self._lookup(key, True, one=True)[0]
        return component if as_ is None else self._conforming([component], as_, key)[0]

    def _conforming(self, found: list[Any], as_: Any, locator: Locator) -> list[Any]:
        """``found``, each checked to be an ``as_``; the error names the owner."""
        return self._references._checked(
            found, as_, locator, component=self.label, source=self.source
        )

    def _newest(self, key: Descriptor | type) -> Any:
        """The registry's newest match of an exact ``key`` when it is known and is not
        the owner (``None`` otherwise: ask ``_lookup``), recorded like any answer."""
        component = self._references._fast.get(key)
        if component is None or component is self._owner:
            return None
        if self._recording:
            self.recorded[id(component)] = component
        return component

    def _lookup(self, locator: Locator, required: bool, *, one: bool) -> list[Any]:
        key = to_locator(locator)
        found = [c for c in self._references.find(key, False) if c is not self._owner]
        if required and not found:
            raise self._references.missing(
                key, component=self.label, source=self.source, asker=self._owner
            )
        if one:
            found = found[:1]
        if self._recording:
            for component in found:
                self.recorded[id(component)] = component
        return found
