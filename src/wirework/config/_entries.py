"""The first half of loading a config: YAML text to raw entries, before interpolation.

A raw entry is what the file says, and nothing the environment does: its line, its
dotted keys and values with every ``${...}`` still unresolved, the line of each key,
which values hold markers, and what the entry's ``descriptor:``, ``type:`` and
``dependencies:`` were written as (for the messages that describe a wrong one).
Everything in it is plain data (tuples, dicts, strings, numbers) so that the parse
cache can store it with ``marshal`` and :func:`load_entries` can check a stored one
before trusting it. The second half (``loader``) resolves the markers and builds the
``ComponentSpec`` entries, on every load, so a cached file still reads the current
environment and still reports a missing variable at its line.

The shape of the file is checked here, with messages that say what was probably
meant: an empty file, a forgotten ``- `` before an entry, a top-level map whose
entries share a name.
"""

from __future__ import annotations

import marshal
from typing import Any

import yaml

from wirework.config._secrets import is_secret_key
from wirework.config._spec import packed
from wirework.config._walk import FlatWalk
from wirework.config._yamlnodes import STR_TAG, compose
from wirework.errors import ConfigError

# (line, values, keys, offsets, templated, kinds): see read_entries
RawEntry = tuple[
    int,
    dict[str, Any],
    tuple[str, ...],
    bytes | tuple[int, ...],
    tuple[tuple[str, int, bool], ...],
    dict[str, tuple[str, bool]],
]

_QUOTED = frozenset({"'", '"'})
_EXAMPLE = "- descriptor: group:type:kind:name:version"
_DESCRIBED = ("descriptor", "type", "dependencies")  # own keys whose node kind is kept
_FORMAT = 1  # of the tuple above; stored with it


def read_entries(text: str, filename: str) -> list[RawEntry]:
    """Each entry of ``text`` as ``(line, values, keys, offsets, templated, kinds)``.

    ``values`` are the dotted keys and values, markers unresolved; ``keys`` and
    ``offsets`` give each key's line as its distance from the entry's ``line``
    (``keys`` is one shared tuple for every entry with the same keys); ``templated``
    lists the keys whose value holds a marker, with the value's line and whether it is
    unquoted (a lone unquoted marker takes YAML typing); ``kinds`` describes the own
    ``descriptor``/``type``/``dependencies`` node when it is not plain text.
    """
    root, loader = compose(text, filename)
    templated: list[tuple[str, int, bool]] = []
    texts: dict[str, str] = {}

    def on_string(node: yaml.ScalarNode, key: str) -> Any:
        value: str = node.value
        if "$" in value or "{{" in value:
            templated.append((key, node.start_mark.line + 1, node.style not in _QUOTED))
        # Texts repeat from entry to entry (a type: name, a kind, a host) and a service
        # keeps them all as long as it runs: one string each. Shared through a table of
        # this read, not interned: unique texts would stay in the interpreter's table.
        return texts.setdefault(value, value)

    walk = FlatWalk(loader, on_string, filename, anchors="&" in text)
    shapes: dict[tuple[str, ...], tuple[str, ...]] = {}
    entries: list[RawEntry] = []
    for node in _entry_nodes(root, filename):
        values, lines = walk.entry(node)
        line = node.start_mark.line + 1
        keys = tuple(lines)
        keys = shapes.setdefault(keys, keys)
        offsets = packed([at - line for at in lines.values()])
        entries.append((line, values, keys, offsets, tuple(templated), _kinds(node)))
        templated.clear()
    loader.dispose()
    return entries


def dump_entries(entries: list[RawEntry]) -> bytes | None:
    """``entries`` as ``marshal`` bytes; ``None`` when a value has a type marshal cannot
    store (a YAML timestamp is a ``datetime``): such a file is simply not cached."""
    try:
        return marshal.dumps((_FORMAT, entries))
    except ValueError:
        return None


def load_entries(data: bytes) -> list[RawEntry] | None:
    """Entries stored by :func:`dump_entries`, or ``None`` when ``data`` is not exactly
    that shape (a damaged or foreign payload is never trusted)."""
    try:
        payload = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    if not (type(payload) is tuple and len(payload) == 2 and payload[0] == _FORMAT):
        return None
    entries = payload[1]
    if type(entries) is not list or not entries:
        return None
    shapes: set[int] = set()  # key tuples already checked (marshal shares equal ones)
    for entry in entries:
        if not _is_entry(entry, shapes):
            return None
    return entries


def _is_entry(entry: Any, shapes: set[int]) -> bool:
    """Whether ``entry`` has exactly the shape ``read_entries`` makes. Written as plain
    loops over types: it runs on every cached load, for every entry."""
    if type(entry) is not tuple or len(entry) != 6:
        return False
    line, values, keys, offsets, templated, kinds = entry
    if not (
        type(line) is int
        and type(values) is dict
        and type(keys) is tuple
        and type(templated) is tuple
        and type(kinds) is dict
        and len(offsets) == len(keys)
    ):
        return False
    for key, value in values.items():
        if type(key) is not str or (type(value) not in _SCALARS and not _is_value(value, 0)):
            return False
    if id(keys) not in shapes:
        for key in keys:
            if type(key) is not str:
                return False
        shapes.add(id(keys))
    if type(offsets) is not bytes:
        if type(offsets) is not tuple:
            return False
        for offset in offsets:
            if type(offset) is not int:
                return False
    for item in templated:
        if not (
            type(item) is tuple
            and len(item) == 3
            and type(values.get(item[0])) is str
            and type(item[1]) is int
            and type(item[2]) is bool
        ):
            return False
    for key, kind in kinds.items():
        if key not in _DESCRIBED or not (
            type(kind) is tuple
            and len(kind) == 2
            and type(kind[0]) is str
            and type(kind[1]) is bool
        ):
            return False
    return True


_SCALARS = frozenset({type(None), bool, int, float, str, bytes})
_COLLECTIONS = (list, tuple, set, frozenset)


def _is_value(value: Any, depth: int) -> bool:
    """What the walk stores: scalars, and what a tagged YAML collection builds."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if depth > 100:
        return False
    if kind in _COLLECTIONS:
        return all(_is_value(item, depth + 1) for item in value)
    if kind is dict:
        return all(_is_value(k, depth + 1) and _is_value(v, depth + 1) for k, v in value.items())
    return False


# -- the shape of the file ---------------------------------------------------------------


def _kinds(node: yaml.Node) -> dict[str, tuple[str, bool]]:
    """How the entry's own ``descriptor``/``type``/``dependencies`` nodes are written,
    when a message may need it: not for plain text without markers, which is always
    a string."""
    kinds: dict[str, tuple[str, bool]] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key in _DESCRIBED and key not in kinds and isinstance(key_node, yaml.ScalarNode):
            plain = (
                isinstance(value_node, yaml.ScalarNode)
                and value_node.tag == STR_TAG
                and "$" not in value_node.value
                and "{{" not in value_node.value
            )
            if key == "dependencies" or not plain:
                kinds[key] = (_kind(value_node), _is_map_or_null(value_node))
    return kinds


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
