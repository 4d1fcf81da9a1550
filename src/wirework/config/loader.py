"""Reading a container config file into ``ComponentSpec`` entries that remember their line.

Works on the YAML node tree (see ``yamlnodes``), so every entry keeps its
``file:line`` and interpolation runs per scalar, with that scalar's line in the error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wirework.config.interpolate import Missing, substitute
from wirework.config.params import ConfigParams
from wirework.config.yamlnodes import compose, construct_flat
from wirework.descriptor import Descriptor
from wirework.errors import ConfigError, closest

__all__ = ["ComponentSpec", "load_config", "parse_config"]

_QUOTED = frozenset({"'", '"'})


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    """One component entry of a config file."""

    descriptor: Descriptor | None
    type: str | None
    config: ConfigParams
    source: str
    label: str  # how errors name the component: its descriptor, else its type
    lines: Mapping[str, int] = field(default_factory=dict)  # dotted key -> its line

    def source_of(self, key: str) -> str:
        """``file:line`` of ``key`` (or of its nearest recorded parent), else of the entry."""
        probe = key
        while probe:
            line = self.lines.get(probe)
            if line is not None:
                return f"{self.source.rsplit(':', 1)[0]}:{line}"
            probe = probe.rpartition(".")[0]
        return self.source


def load_config(
    path: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
) -> list[ComponentSpec]:
    """Read ``path``; ``parameters`` win over the environment in ``${VAR}`` markers."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {file}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read config file {file}: {exc.strerror}") from exc
    return parse_config(text, str(file), parameters)


def parse_config(
    text: str,
    filename: str = "<string>",
    parameters: Mapping[str, Any] | None = None,
) -> list[ComponentSpec]:
    """Parse config text; see :func:`load_config`."""
    params = {str(k): v for k, v in (parameters or {}).items()}

    def lookup(name: str) -> str | None:
        if name in params:
            value = params[name]
            return None if value is None else str(value)
        return os.environ.get(name)

    root, loader = compose(text, filename)
    missing: list[Missing] = []

    def on_string(node: yaml.ScalarNode, value: str) -> Any:
        if "$" not in value:
            return value
        source = f"{filename}:{node.start_mark.line + 1}"
        return substitute(value, lookup, source, missing, typed=node.style not in _QUOTED)

    entries = [
        (node, construct_flat(_entry(node, filename), loader, on_string, filename))
        for node in _entry_nodes(root, filename)
    ]
    loader.dispose()
    if missing:
        raise ConfigError(
            f"{len(missing)} missing variable{'s' if len(missing) > 1 else ''}:\n  "
            + "\n  ".join(str(m) for m in missing),
            source=filename,
            hint="set them in the environment or pass -p NAME=VALUE",
        )
    return [
        _spec(value, lines, f"{filename}:{node.start_mark.line + 1}")
        for node, (value, lines) in entries
    ]


def _entry_nodes(root: yaml.Node | None, filename: str) -> list[yaml.Node]:
    if root is None or (isinstance(root, yaml.ScalarNode) and root.value in ("", "~", "null")):
        return []
    if isinstance(root, yaml.SequenceNode):
        return list(root.value)
    if isinstance(root, yaml.MappingNode):
        return [value for key, value in root.value]
    raise ConfigError(
        "top level must be a list of component entries (or a map of them), got a scalar",
        source=f"{filename}:{root.start_mark.line + 1}",
    )


def _entry(node: yaml.Node, filename: str) -> yaml.Node:
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else f"{node.value!r}"
        raise ConfigError(
            f"a component entry must be a map with 'descriptor:' or 'type:', got {kind}",
            source=f"{filename}:{node.start_mark.line + 1}",
        )
    return node


def _spec(value: dict[str, Any], lines: dict[str, int], source: str) -> ComponentSpec:
    descriptor_text, type_text = value.get("descriptor"), value.get("type")
    if descriptor_text is None and type_text is None:
        keys = {key.split(".", 1)[0] for key in value}
        near = closest("descriptor", keys) + closest("type", keys)
        raise ConfigError(
            "component entry has neither 'descriptor:' nor 'type:'",
            source=source,
            hint=f"did you mean {near[0]!r} -> 'descriptor'/'type'?" if near else None,
        )
    descriptor = None
    if descriptor_text is not None:
        try:
            descriptor = Descriptor.from_string(descriptor_text)
        except ConfigError as exc:
            raise ConfigError(exc.message, source=source) from exc
    if type_text is not None and not isinstance(type_text, str):
        raise ConfigError(f"'type:' must be a string, got {type_text!r}", source=source)
    label = str(descriptor) if descriptor is not None else str(type_text)
    return ComponentSpec(descriptor, type_text, ConfigParams(value), source, label, lines)
