"""Typed lookups: ``get_one_required(locator, as_=IStateStore)`` returns an ``IStateStore``.

A lookup without ``as_`` returns ``Any``: a type checker cannot help the code that
uses it, and a wrong component (a logger where a store was meant) fails later, far
from the lookup, as an ``AttributeError``. With ``as_`` the lookup is declared to
return that type and checks it when it answers, so a mismatch fails at the lookup,
naming the locator, what was found and what was expected.

``as_`` is typed ``Callable[..., T]`` rather than ``type[T]``: the typing spec (and
mypy) refuse a protocol or an abstract class where ``type[T]`` is expected, and the
contracts worth asking for (``IStateStore``, ``ILogger``) are protocols. A class,
protocol or ABC given there is read as the type its instances have. Anything else
(a function, a protocol without ``@runtime_checkable``, which ``isinstance`` cannot
check) is refused with :class:`~wirework.errors.InvalidArgumentError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from wirework.errors import InvalidArgumentError, ReferenceTypeError

T = TypeVar("T")

Expected = Callable[..., T]
"""What ``as_`` takes: a class, an ABC or a runtime-checkable protocol."""

_NOT_MEMBERS = frozenset({"__init__", "__subclasshook__", "__annotations__"})


class Registry(Protocol):
    """Where a lookup's answer came from, asked only to word an error."""

    def registered_under(self, locator: Any, component: Any) -> object:
        """What ``component``, found for ``locator``, is registered under."""
        ...


def conforming(
    found: Any,
    as_: Any,
    locator: object,
    *,
    registry: Registry | None = None,
    component: str | None = None,
    source: str | None = None,
) -> Any:
    """``found`` when it is an instance of ``as_``; else a :class:`ReferenceTypeError`.

    ``registry`` tells, for the message only, what ``found`` is registered under;
    ``component`` and ``source`` name the component that looked it up.
    """
    try:
        if isinstance(found, as_):
            return found
    except TypeError:
        raise _unusable(as_) from None
    if not isinstance(as_, type):
        raise _unusable(as_)
    raise ReferenceTypeError(
        locator,
        expected=as_,
        found=found,
        registered=None if registry is None else registry.registered_under(locator, found),
        missing=_missing(found, as_),
        component=component,
        source=source,
    )


def all_conforming(
    found: Iterable[Any],
    as_: Any,
    locator: object,
    **where: Any,
) -> list[Any]:
    """Each of ``found`` checked by :func:`conforming`, in order."""
    return [conforming(one, as_, locator, **where) for one in found]


def _unusable(as_: Any) -> InvalidArgumentError:
    if isinstance(as_, type) and getattr(as_, "_is_protocol", False):
        return InvalidArgumentError(
            f"as_={as_.__qualname__} is a protocol without @runtime_checkable: "
            "a lookup cannot check a component against it",
            hint="decorate it with typing.runtime_checkable, or look up without as_",
        )
    return InvalidArgumentError(
        f"as_ takes a class or a runtime-checkable protocol, got {as_!r}",
    )


def _missing(found: Any, as_: type) -> list[str]:
    """The members of protocol ``as_`` that ``found`` lacks (none for a class)."""
    if not getattr(as_, "_is_protocol", False):
        return []
    members: set[str] = set()
    for base in as_.__mro__:
        if base in (Protocol, object) or not getattr(base, "_is_protocol", False):
            continue
        members |= {name for name in vars(base) if not name.startswith("_")}
        members |= set(vars(base).get("__annotations__", {}))
    return sorted(name for name in members - _NOT_MEMBERS if not hasattr(found, name))
