"""Third-party factories, found through the ``wirework.factories`` entry-point group.

A distribution that ships components declares, in its own packaging, an entry point
whose object is a factory (or a class or function returning one); installing it is
then enough for its descriptors to work in any config.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from wirework.build._factory import IFactory
from wirework.errors import CreateError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

GROUP = "wirework.factories"


def discover_factories() -> list[IFactory]:
    """A fresh factory for every installed ``wirework.factories`` entry point."""
    factories: list[IFactory] = []
    for point in _points():
        try:
            target = point.load()
        except Exception as exc:  # any import failure of a plugin is reported as such
            raise CreateError(f"cannot load factory entry point {point.value!r}: {exc}") from exc
        factory = target() if callable(target) and not isinstance(target, IFactory) else target
        if not isinstance(factory, IFactory):
            raise CreateError(
                f"entry point {point.value!r} gave {type(factory).__name__}, "
                f"which has no can_create/create"
            )
        factories.append(factory)
    return factories


@cache
def _points() -> tuple[EntryPoint, ...]:
    """Scanning installed distributions costs milliseconds: once per process is enough.

    ``importlib.metadata`` is imported here, when the first container is made, not with
    wirework: importing it costs more than all of ``import wirework.container``.
    """
    from importlib.metadata import entry_points

    return tuple(entry_points(group=GROUP))
