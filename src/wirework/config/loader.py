"""Reading a container config file into ``ComponentSpec`` entries that remember their line.

Uses PyYAML's safe loader (the libyaml one when available, for speed) on the node
tree, so every entry keeps its ``file:line`` and interpolation runs per scalar with
its own line in the error.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from wirework.config.interpolate import Missing, substitute
from wirework.config.params import ConfigParams
from wirework.descriptor import Descriptor
from wirework.errors import ConfigError, closest

__all__ = ["ComponentSpec", "load_config", "parse_config"]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"
_QUOTED = frozenset({"'", '"'})


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    """One component entry of a config file."""

    descriptor: Descriptor | None
    type: str | None
    config: ConfigParams
    source: str

    @property
    def label(self) -> str:
        """How errors name the component: its descriptor, else its type."""
        return str(self.descriptor) if self.descriptor is not None else str(self.type)


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

    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise ConfigError(f"invalid YAML: {exc.problem or exc}", source=where) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", source=filename) from exc
    finally:
        loader.dispose()
    if root is None or data is None:
        return []

    missing: list[Missing] = []
    walker = _Walker(filename, lookup, missing)
    entries = [(node, walker.entry(node, value)) for node, value in _entries(root, data, filename)]
    if missing:
        raise ConfigError(
            f"{len(missing)} missing variable{'s' if len(missing) > 1 else ''}:\n  "
            + "\n  ".join(str(m) for m in missing),
            source=filename,
            hint="set them in the environment or pass -p NAME=VALUE",
        )
    return [walker.spec(node, value) for node, value in entries]


def _entries(root: yaml.Node, data: Any, filename: str) -> list[tuple[yaml.Node, Any]]:
    if isinstance(root, yaml.SequenceNode) and isinstance(data, list):
        return list(zip(root.value, data, strict=True))
    if isinstance(root, yaml.MappingNode) and isinstance(data, dict):
        nodes = [v for k, v in root.value if k.tag != _MERGE_TAG]
        return list(zip(nodes, data.values(), strict=False))
    raise ConfigError(
        f"top level must be a list of component entries (or a map of them), "
        f"got {type(data).__name__}",
        source=f"{filename}:{root.start_mark.line + 1}",
    )


class _Walker:
    """Interpolates a parsed entry against its node tree and builds its spec."""

    def __init__(
        self, filename: str, lookup: Callable[[str], str | None], missing: list[Missing]
    ) -> None:
        self.filename = filename
        self.lookup = lookup
        self.missing = missing

    def entry(self, node: yaml.Node, value: Any) -> dict[str, Any]:
        """The entry with its variables substituted (missing ones are collected)."""
        if not isinstance(value, dict):
            raise ConfigError(
                f"a component entry must be a map with 'descriptor:' or 'type:', "
                f"got {type(value).__name__}",
                source=f"{self.filename}:{node.start_mark.line + 1}",
            )
        result: dict[str, Any] = self.walk(node, value)
        return result

    def spec(self, node: yaml.Node, value: dict[str, Any]) -> ComponentSpec:
        source = f"{self.filename}:{node.start_mark.line + 1}"
        descriptor_text, type_text = value.get("descriptor"), value.get("type")
        if descriptor_text is None and type_text is None:
            near = closest("descriptor", map(str, value)) + closest("type", map(str, value))
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
        return ComponentSpec(descriptor, type_text, ConfigParams.from_value(value), source)

    def walk(self, node: yaml.Node, value: Any) -> Any:
        if isinstance(value, str):
            if isinstance(node, yaml.ScalarNode):
                source = f"{self.filename}:{node.start_mark.line + 1}"
                typed = node.style not in _QUOTED
                return substitute(value, self.lookup, source, self.missing, typed=typed)
            return value
        if isinstance(value, dict) and isinstance(node, yaml.MappingNode):
            children = {str(k.value): v for k, v in node.value if k.tag != _MERGE_TAG}
            return {
                k: self.walk(children[str(k)], v) if str(k) in children else v
                for k, v in value.items()
            }
        if isinstance(value, list) and isinstance(node, yaml.SequenceNode):
            return [self.walk(n, v) for n, v in zip(node.value, value, strict=False)]
        return value
