"""Provider names (aliases): one rule, so a reader can predict them from the YAML.

The rules are stated once, in the package's docstring (:mod:`wirework.di`); this
module applies them.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from wirework.build._types import split_type
from wirework.config import ComponentSpec
from wirework.descriptor import WILDCARD, Descriptor
from wirework.di._container import WireworkContainer
from wirework.errors import ConfigError, WireworkError

CONFIG_SUFFIX = "_config"
_RESERVED = frozenset(dir(WireworkContainer())) | {"__self__"}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _clean(part: str) -> str:
    if part == WILDCARD:
        return "any"
    return _NON_WORD.sub("_", part.lower()).strip("_") or "x"


def derived_alias(spec: ComponentSpec, locator: Descriptor | type) -> str:
    """The rule-2 name of a component registered under ``locator``."""
    if isinstance(locator, Descriptor):
        name = "_".join(_clean(part) for part in (locator.type, locator.kind, locator.name))
    else:
        if spec.type is not None:
            try:
                qualname = split_type(spec.type)[1]
            except WireworkError:
                qualname = locator.__qualname__
        else:
            qualname = locator.__qualname__
        leaf = qualname.rsplit(".", 1)[-1]
        name = _clean(_CAMEL.sub("_", leaf))
    return name if name[0].isalpha() else f"c_{name}"


def explicit_alias(spec: ComponentSpec) -> str | None:
    """The entry's ``alias:`` key, validated; ``None`` when it has none."""
    nested = any(key.startswith("alias.") for key in spec.config)
    if "alias" not in spec.config and not nested:
        return None
    alias = spec.config.get("alias")
    problem = None
    if not isinstance(alias, str) or not alias.isidentifier() or keyword.iskeyword(alias):
        problem = "must be a Python identifier (letters, digits and _)"
    elif alias.startswith("_"):
        problem = "must not start with '_'"
    elif alias.endswith(CONFIG_SUFFIX):
        problem = f"must not end in {CONFIG_SUFFIX!r} (that suffix names configurations)"
    elif alias in _RESERVED:
        problem = "would shadow an attribute of the dependency-injector container"
    if problem:
        raise ConfigError(f"alias: {alias!r} {problem}", component=spec.label, source=spec.source)
    return str(alias)


@dataclass(frozen=True, slots=True)
class Claim:
    """One component wanting one name."""

    name: str
    index: int
    explicit: bool
    label: str
    source: str

    def where(self) -> str:
        return f"{self.label} ({self.source})"


class NameTable:
    """Settles who gets which name; remembers why a name was withheld."""

    def __init__(self, claims: list[Claim]) -> None:
        by_name: dict[str, list[Claim]] = {}
        for claim in claims:
            by_name.setdefault(claim.name, []).append(claim)
        self.owner: dict[str, Claim] = {}
        self.withheld: dict[str, str] = {}
        for name, contenders in by_name.items():
            explicit = [c for c in contenders if c.explicit]
            if len(explicit) > 1:
                raise ConfigError(
                    f"alias {name!r} is given to several components: "
                    + ", ".join(c.where() for c in explicit),
                    source=explicit[1].source,
                    hint="aliases must be unique within a config",
                )
            if explicit:
                self.owner[name] = explicit[0]
            elif name in _RESERVED:
                self.withheld[name] = (
                    f"the derived name {name!r} of {contenders[0].where()} would shadow an "
                    "attribute of the dependency-injector container; give it an alias: key"
                )
            elif len(contenders) > 1:
                self.withheld[name] = (
                    f"the derived name {name!r} is ambiguous: "
                    + " and ".join(c.where() for c in contenders)
                    + " would both get it; give them alias: keys or use ByDescriptor"
                )
            else:
                self.owner[name] = contenders[0]
