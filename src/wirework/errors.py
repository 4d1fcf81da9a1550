"""One error hierarchy, so callers can catch "anything wirework refused" in one place.

Every error that a config entry caused carries where that entry came from
(``file:line``) and which component it was about, because the person reading the
message has a YAML file open, not a stack trace.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

__all__ = [
    "BackendError",
    "ConcurrencyError",
    "ConfigError",
    "ConfigProblems",
    "ConflictError",
    "CreateError",
    "CycleError",
    "InvalidArgumentError",
    "InvalidKeyError",
    "InvalidStateError",
    "LifecycleError",
    "MissingReferenceError",
    "ReferenceTypeError",
    "UnknownEntityError",
    "UnreadableItemError",
    "UnstorableValueError",
    "WireworkError",
]


class WireworkError(Exception):
    """Base of every error wirework raises on purpose.

    ``component`` names the component (its descriptor or type) and ``source`` the
    ``file:line`` of its YAML entry; both are optional and rendered into the message.
    Code that cannot know them (a component's own lookups) leaves them out, and the
    container fills them in with :meth:`locate`; ``config_key`` says which key of the
    component's config the error is about, so the container can name that key's line.
    """

    config_key: str | None = None

    def __init__(
        self,
        message: str,
        *,
        component: str | None = None,
        source: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.component = component
        self.source = source
        self.hint = hint
        super().__init__(self._render())

    def about(self, config_key: str) -> Self:
        """This error, marked as caused by the config key ``config_key`` (dotted)."""
        self.config_key = config_key
        return self

    def locate(self, component: str | None, source: str | None) -> Self:
        """This error, naming ``component`` and ``source`` (re-rendering the message)."""
        self.component = component
        self.source = source
        self.args = (self._render(),)
        return self

    def _render(self) -> str:
        where = ""
        if self.component and self.source:
            where = f"{self.component} ({self.source}): "
        elif self.component:
            where = f"{self.component}: "
        elif self.source:
            where = f"{self.source}: "
        text = where + self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ConfigError(WireworkError):
    """The configuration is malformed: bad YAML, bad descriptor, missing variable, bad option."""


class ConfigProblems(ConfigError):
    """Several config errors found in one pass, reported together.

    ``problems`` holds each one, so a caller (the container, a test) can merge them
    with others instead of stopping at the first.
    """

    def __init__(self, problems: list[WireworkError], *, where: str = "the config") -> None:
        self.problems = problems
        count = len(problems)
        listing = "\n".join(f"  - {str(p).replace(chr(10), chr(10) + '    ')}" for p in problems)
        super().__init__(f"{count} problem{'s' if count > 1 else ''} in {where}:\n{listing}")


class MissingReferenceError(WireworkError):
    """A required reference could not be found.

    ``locator`` is what was asked for; ``candidates`` the closest registered descriptors.
    """

    def __init__(
        self,
        locator: object,
        *,
        component: str | None = None,
        source: str | None = None,
        candidates: Iterable[str] = (),
    ) -> None:
        self.locator = locator
        self.candidates = list(candidates)
        hint = f"did you mean {' or '.join(self.candidates)}?" if self.candidates else None
        super().__init__(
            f"cannot locate reference {locator}",
            component=component,
            source=source,
            hint=hint,
        )


class ReferenceTypeError(WireworkError, TypeError):
    """A lookup asked for a type (``as_=``) and found a component of another.

    ``locator`` is what was asked for, ``expected`` the type, ``found`` the component,
    ``registered`` what it is registered under (when known) and ``missing`` the members
    of an expected protocol that it lacks.
    """

    def __init__(
        self,
        locator: object,
        *,
        expected: type,
        found: object,
        registered: object = None,
        missing: Iterable[str] = (),
        component: str | None = None,
        source: str | None = None,
    ) -> None:
        self.locator = locator
        self.expected = expected
        self.found = found
        self.missing = list(missing)
        what = type(found).__qualname__ + ("" if registered is None else f" ({registered})")
        name = expected.__qualname__
        article = "an" if name[:1].lower() in "aeiou" else "a"
        super().__init__(
            f"reference {locator} is a {what}, not {article} {name}",
            component=component,
            source=source,
            hint=f"it has no {', '.join(self.missing)}" if self.missing else None,
        )


class CreateError(WireworkError):
    """A component could not be created: no factory, unknown type, or its constructor failed."""


class LifecycleError(WireworkError):
    """``configure``, ``set_references``, ``open`` or ``close`` of a component failed."""


class CycleError(WireworkError):
    """Components depend on each other in a loop; the message draws the loop."""


class InvalidStateError(WireworkError):
    """An operation was called in a state that does not allow it (e.g. a closed store)."""


class BackendError(WireworkError):
    """A database or server could not be reached, or refused a statement.

    The message names where (``host:port``, a file path) and never a credential.
    """


class ConflictError(WireworkError):
    """A write collided with existing data, as a unique key would in a database."""


class ConcurrencyError(ConflictError):
    """An optimistic-concurrency check failed: the stored version is not the expected one."""

    def __init__(self, key: str, expected: int, actual: int) -> None:
        self.key = key
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"version conflict on {key!r}: expected version {expected}, found {actual}"
        )


class InvalidKeyError(WireworkError, ValueError):
    """A state key, entity id or persistence id that no backend could store."""


class InvalidArgumentError(WireworkError, ValueError):
    """An argument outside what it may be: a ``ttl``, an ``expected_version``, a paging
    argument, a filter, or a lookup's ``as_``."""


class UnstorableValueError(WireworkError, ValueError):
    """A value that no backend could store and give back equal."""


class UnknownEntityError(WireworkError, LookupError):
    """An entity-store operation needs an existing entity and there is none with that id."""


class UnreadableItemError(WireworkError):
    """A stored document cannot be read back as any class the persistence declares."""


def closest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The near misses worth suggesting after a typo."""
    import difflib  # on first use: only a message with a suggestion needs it

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)
