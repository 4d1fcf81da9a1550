"""Reading a container config file into ``ComponentSpec`` entries that remember their line.

Works on the YAML node tree (see ``yamlnodes``), so every entry keeps its
``file:line`` and interpolation runs per scalar, with that scalar's line in the error.
The shape of the file is checked here too, with messages that say what was probably
meant: an empty file, a forgotten ``- `` before an entry, a descriptor that is not a
string, a ``dependencies:`` that is not a map.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from wirework.config.interpolate import MarkerProblem, substitute
from wirework.config.params import ConfigParams, is_secret_key
from wirework.config.walk import FlatWalk
from wirework.config.yamlnodes import compose
from wirework.descriptor import Descriptor
from wirework.errors import ConfigError, closest

__all__ = ["ComponentSpec", "load_config", "parse_config"]

_QUOTED = frozenset({"'", '"'})
_EXAMPLE = "- descriptor: group:type:kind:name:version"


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
        data = file.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {file}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read config file {file}: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        raise ConfigError(
            f"the file is not UTF-8: byte 0x{data[exc.start]:02x} at line {line}, "
            f"column {column} is not valid UTF-8",
            source=f"{file}:{line}",
            hint="save the config as UTF-8",
        ) from exc
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
    problems: list[MarkerProblem] = []

    def on_string(node: yaml.ScalarNode, key: str) -> Any:
        value: str = node.value
        if "$" not in value and "{{" not in value:
            return value
        return substitute(
            value,
            lookup,
            f"{filename}:{node.start_mark.line + 1}",
            problems,
            typed=node.style not in _QUOTED,
            secret=is_secret_key(key) or ("@" in value and "://" in value),
        )

    walk = FlatWalk(loader, on_string, filename, anchors="&" in text)
    entries = []
    for node in _entry_nodes(root, filename):
        found = len(problems)
        entry = walk.entry(node)
        entries.append((node, entry))
        if len(problems) > found:  # name the entry in its own marker problems
            label = _label(entry[0])
            problems[found:] = [replace(p, component=label) for p in problems[found:]]
    loader.dispose()
    if problems:
        raise _marker_error(problems, filename)
    return [_spec(node, value, lines, filename) for node, (value, lines) in entries]


def _label(value: Mapping[str, Any]) -> str | None:
    """How an entry with marker problems is named: its descriptor or type as written."""
    named = value.get("descriptor") or value.get("type")
    return named if isinstance(named, str) and named else None


def _marker_error(problems: list[MarkerProblem], filename: str) -> ConfigError:
    count = len(problems)
    listing = "\n  ".join(str(p) for p in problems)
    if all(p.missing for p in problems):
        return ConfigError(
            f"{count} missing variable{'s' if count > 1 else ''}:\n  {listing}",
            source=filename,
            hint="set them in the environment or pass -p NAME=VALUE",
        )
    return ConfigError(
        f"{count} problem{'s' if count > 1 else ''} with ${{...}} markers:\n  {listing}",
        source=filename,
        hint="markers are ${NAME}, ${NAME:-default} or ${NAME:?message}; $$ is a literal $; "
        "set missing variables in the environment or pass -p NAME=VALUE",
    )


def _entry_nodes(root: yaml.Node | None, filename: str) -> list[yaml.Node]:
    if root is None:
        raise _no_components(filename, "the file is empty (or holds only comments)")
    if isinstance(root, yaml.ScalarNode) and root.tag.endswith(":null"):
        raise _no_components(f"{filename}:{root.start_mark.line + 1}", "the document is empty")
    where = f"{filename}:{root.start_mark.line + 1}"
    if isinstance(root, yaml.SequenceNode):
        if not root.value:
            raise _no_components(where, "the top level is an empty list")
        for node in root.value:
            _check_entry(node, filename)
        return list(root.value)
    if isinstance(root, yaml.MappingNode):
        if not root.value:
            raise _no_components(where, "the top level is an empty map")
        return _map_entries(root, filename)
    raise ConfigError(
        "top level must be a list of component entries (or a map of them), got a scalar",
        source=where,
        hint=f"write each entry as a list item: {_EXAMPLE}",
    )


def _no_components(source: str, why: str) -> ConfigError:
    return ConfigError(f"no components: {why}", source=source, hint=f"add entries: {_EXAMPLE}")


def _map_entries(root: yaml.MappingNode, filename: str) -> list[yaml.Node]:
    """The values of a top-level map of ``name: entry``; names are unique."""
    first_line: dict[str, int] = {}
    for key_node, value_node in root.value:
        name = str(key_node.value)
        line = key_node.start_mark.line + 1
        if name in ("descriptor", "type"):
            raise ConfigError(
                f"'{name}:' at the top level: the file reads as one map, not a list of entries",
                source=f"{filename}:{line}",
                hint=f"did you forget the '- ' before the entry? write {_EXAMPLE}",
            )
        if name in first_line:
            raise ConfigError(
                f"duplicate entry name {name!r} at lines {first_line[name]} and {line}",
                source=f"{filename}:{line}",
                hint="give each entry of a top-level map its own name",
            )
        first_line[name] = line
        if isinstance(value_node, yaml.ScalarNode):
            raise ConfigError(
                f"top-level key {name!r} holds "
                f"{'a value (not shown: secret)' if is_secret_key(name) else _shown(value_node)}, "
                "not a component entry",
                source=f"{filename}:{line}",
                hint="a config is a list of entries (each starting with '- '), or a map of "
                "named entries; did you forget the '- ' before an entry?",
            )
        _check_entry(value_node, filename)
    return [value for _, value in root.value]


def _check_entry(node: yaml.Node, filename: str) -> None:
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else _shown(node)
        raise ConfigError(
            f"a component entry must be a map with 'descriptor:' or 'type:', got {kind}",
            source=f"{filename}:{node.start_mark.line + 1}",
        )


def _shown(node: yaml.Node) -> str:
    text = str(node.value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _spec(
    node: yaml.Node, value: dict[str, Any], lines: dict[str, int], filename: str
) -> ComponentSpec:
    source = f"{filename}:{node.start_mark.line + 1}"

    def at(key: str) -> str:
        return f"{filename}:{lines[key]}" if key in lines else source

    descriptor_text = _text_field(node, value, "descriptor", at)
    type_text = _text_field(node, value, "type", at)
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
            raise ConfigError(exc.message, source=at("descriptor")) from exc
    label = str(descriptor) if descriptor is not None else str(type_text)
    if "dependencies" in lines:
        dependencies = _value_node(node, "dependencies")
        if dependencies is not None and not _is_map_or_null(dependencies):
            raise ConfigError(
                f"'dependencies:' must be a map of name: descriptor, got {_kind(dependencies)}",
                component=label,
                source=at("dependencies"),
                hint="write e.g. 'dependencies: {persistence: myapp:persistence:*:*:1.0}'",
            )
    return ComponentSpec(descriptor, type_text, ConfigParams(value), source, label, lines)


def _text_field(node: yaml.Node, value: dict[str, Any], key: str, at: Any) -> str | None:
    """``descriptor:`` or ``type:``: absent, or a string."""
    text = value.get(key)
    if isinstance(text, str):
        return text
    found = _value_node(node, key)
    if found is None and key not in value:
        return None
    what = {"descriptor": "'group:type:kind:name:version'", "type": "'package.module:Class'"}[key]
    got = _kind(found) if found is not None else repr(text)
    raise ConfigError(f"'{key}:' must be a string {what}, got {got}", source=at(key))


def _value_node(entry: yaml.Node, key: str) -> yaml.Node | None:
    """The node written under an entry's own ``key`` (``None`` if it came from a merge)."""
    for key_node, value_node in entry.value:
        if key_node.value == key and isinstance(key_node, yaml.ScalarNode):
            found: yaml.Node = value_node
            return found
    return None


def _is_map_or_null(node: yaml.Node) -> bool:
    if isinstance(node, yaml.MappingNode):
        return True
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a map"
    if node.tag.endswith(":null"):
        return "nothing"
    return f"{node.tag.rsplit(':', 1)[-1]} {_shown(node)}"
