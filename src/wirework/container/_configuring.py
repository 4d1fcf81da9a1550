"""Configuring one entry's component: its schema first, then its ``configure``.

One path for the build and for a hot reload that configures an open component again,
so a reload checks a changed entry exactly as a start does: unknown keys, wrong types,
missing drivers, and the rules ``configure`` checks itself, each naming the entry.
"""

from __future__ import annotations

from typing import Any

from wirework.config import ComponentSpec
from wirework.config.schema import check_entry, hand_over, take_back
from wirework.container._runtime import failed
from wirework.errors import ConfigError, ConfigProblems, WireworkError
from wirework.lifecycle import capabilities


def configure(component: Any, spec: ComponentSpec) -> None:
    """Check ``spec`` against the component's schema, then ``configure`` it (if it
    can be): at build, and again when a reload reconfigures it in place."""
    checked = _checked(spec, type(component))
    if not capabilities(component).configurable:
        return
    handed = hand_over(spec.config, checked)  # configure need not validate again
    try:
        component.configure(spec.config)
    except ConfigError as exc:  # a rule across keys, checked by configure itself
        raise ConfigError(
            exc.message, component=spec.label, source=spec.source, hint=exc.hint
        ) from exc
    except Exception as exc:
        raise failed("configure", spec.label, spec.source, exc) from exc
    finally:
        take_back(handed)


def _checked(spec: ComponentSpec, cls: type) -> Any:
    """The entry's config checked against its schema (the validated model, if any),
    and the drivers its class needs found, not imported: what ``run`` would refuse
    before opening, ``check`` refuses."""
    problems: list[WireworkError] = []
    model = None
    try:
        model = check_entry(spec, cls)
    except ConfigProblems as exc:
        problems.extend(exc.problems)
    for driver in getattr(cls, "drivers", ()):
        if not driver.available():
            problems.append(driver.missing(spec.label, spec.source))
    if problems:
        raise ConfigProblems(problems, where=f"the config of {spec.label}")
    return model
