"""``wirework schema``: the JSON Schema of config files, for editors.

It covers every component the container could build: the built-in registrations,
the ``wirework.factories`` entry points, the built-in classes used by ``type:``, and,
given a config (``-c``), the classes its ``type:`` entries name. A class without a
``config_schema`` gets an open entry (only the container's keys are checked).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from wirework.build import CompositeFactory, discover_factories, load_type, split_type
from wirework.config import load_config
from wirework.config.schema import schema_of
from wirework.config.schema._document import config_document
from wirework.container._defaults import BUILT_INS, BY_TYPE_ONLY, DefaultFactory
from wirework.descriptor import Descriptor
from wirework.errors import WireworkError


def schema_text(config: str | None, parameters: Mapping[str, Any]) -> str:
    """The schema as JSON text; with ``config``, it also covers the classes that config's
    ``type:`` entries name."""
    named = [*BY_TYPE_ONLY, *BUILT_INS.values()]
    if config is not None:
        named += [spec.type for spec in load_config(Path(config), parameters) if spec.type]
    by_type: dict[type, tuple[list[str], type[BaseModel] | None]] = {}
    for path in dict.fromkeys(named):
        try:
            cls = load_type(path)
        except WireworkError as exc:  # the schema is still useful without this one class
            print(f"wirework: note: {path} is left open in the schema: {exc}", file=sys.stderr)
            continue
        spellings, _ = by_type.setdefault(cls, ([], schema_of(cls)))
        spellings.extend(s for s in _spellings(path, cls) if s not in spellings)
    document = config_document(list(by_type.values()), list(_registrations()))
    return json.dumps(document, indent=2)


def _registrations() -> Iterable[tuple[Descriptor, type[BaseModel] | None]]:
    """Every registration, in the order the container asks (newest factory first)."""
    factories = CompositeFactory(DefaultFactory(), *discover_factories())
    for factory in reversed(factories.factories):
        listed = getattr(factory, "registered_types", None)
        pairs = listed() if callable(listed) else [(d, None) for d in _advertised(factory)]
        for locator, cls in pairs:
            yield locator, _model(cls)


def _advertised(factory: object) -> list[Descriptor]:
    registered = getattr(factory, "registered", None)
    return list(registered()) if callable(registered) else []


def _model(cls: type | str | None) -> type[BaseModel] | None:
    if cls is None:
        return None
    return schema_of(load_type(cls) if isinstance(cls, str) else cls)


def _spellings(path: str, cls: type) -> list[str]:
    """Every way a config may name ``cls``: as written, from its own module, and in
    Pip.Services' ``Class,module`` form."""
    module, name = split_type(path)
    forms = [(module, name), (cls.__module__, cls.__qualname__)]
    return [text for m, n in forms for text in (f"{m}:{n}", f"{n},{m}")]
