"""``DependencyResolver``: named references, so config can pick among candidates.

A component asks for ``"persistence"`` and the ``dependencies:`` section of its config
says which descriptor that is; code supplies defaults, config overrides them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

from wirework.config import ConfigParams
from wirework.errors import ConfigError, MissingReferenceError, ReferenceTypeError, closest
from wirework.refer._references import IReferences, Locator, to_locator

if TYPE_CHECKING:
    from wirework.refer._typed import Expected, T


class DependencyResolver:
    """Maps dependency names to locators and resolves them through references."""

    def __init__(
        self, config: ConfigParams | None = None, references: IReferences | None = None
    ) -> None:
        self._locators: dict[str, Locator] = {}
        self._configured: set[str] = set()  # names whose locator came from the config
        self._references = references
        if config is not None:
            self.configure(config)

    @classmethod
    def from_tuples(cls, *pairs: Any) -> DependencyResolver:
        resolver = cls()
        for name, locator in zip(pairs[::2], pairs[1::2], strict=True):
            resolver.put(name, locator)
        return resolver

    def put(self, name: str, locator: Locator) -> None:
        self._locators[name] = to_locator(locator)

    def configure(self, config: ConfigParams) -> None:
        """Read ``dependencies.<name>: <descriptor>``; config wins over code defaults."""
        for name, value in config.get_section("dependencies").items():
            if value is None:
                continue
            try:
                self._locators[name] = to_locator(value)
            except ConfigError as exc:
                raise ConfigError(f"dependencies.{name}: {exc.message}").about(
                    f"dependencies.{name}"
                ) from exc
            self._configured.add(name)

    def set_references(self, references: IReferences) -> None:
        self._references = references

    def locators(self) -> dict[str, Locator]:
        return dict(self._locators)

    def find(self, name: str, required: bool) -> list[Any]:
        if self._references is None:
            raise ConfigError(f"dependency {name!r} looked up before set_references")
        locator = self._locators.get(name)
        if locator is None:
            near = closest(name, self._locators)
            known = ", ".join(sorted(self._locators)) or "none"
            error = ConfigError(
                f"unknown dependency {name!r}; known: {known}",
                hint=f"did you mean {near[0]!r}?" if near else None,
            )
            raise error.about("dependencies") if self._configured else error
        try:
            return self._references.find(locator, required)
        except MissingReferenceError as exc:
            if name in self._configured:
                exc.about(f"dependencies.{name}")
            raise

    @overload
    def get_optional(self, name: str) -> list[Any]: ...
    @overload
    def get_optional(self, name: str, as_: Expected[T]) -> list[T]: ...
    def get_optional(self, name: str, as_: Any = None) -> list[Any]:
        """Every component the dependency ``name`` matches (``[]`` when none)."""
        return self._typed(name, False, as_)

    @overload
    def get_required(self, name: str) -> list[Any]: ...
    @overload
    def get_required(self, name: str, as_: Expected[T]) -> list[T]: ...
    def get_required(self, name: str, as_: Any = None) -> list[Any]:
        """Every component the dependency ``name`` matches; an error when none."""
        return self._typed(name, True, as_)

    @overload
    def get_one_optional(self, name: str) -> Any: ...
    @overload
    def get_one_optional(self, name: str, as_: Expected[T]) -> T | None: ...
    def get_one_optional(self, name: str, as_: Any = None) -> Any:
        """The newest component the dependency ``name`` matches, or ``None``."""
        found = self._typed(name, False, as_, one=True)
        return found[0] if found else None

    @overload
    def get_one_required(self, name: str) -> Any: ...
    @overload
    def get_one_required(self, name: str, as_: Expected[T]) -> T: ...
    def get_one_required(self, name: str, as_: Any = None) -> Any:
        """The newest component the dependency ``name`` matches; an error when none."""
        return self._typed(name, True, as_, one=True)[0]

    def _typed(self, name: str, required: bool, as_: Any, *, one: bool = False) -> list[Any]:
        found = self.find(name, required)
        if one:
            found = found[:1]
        if as_ is None:
            return found
        from wirework.refer._typed import all_conforming  # the typed lookups' only

        try:
            return all_conforming(found, as_, self._locators[name])
        except ReferenceTypeError as exc:
            if name in self._configured:
                exc.about(f"dependencies.{name}")
            raise
