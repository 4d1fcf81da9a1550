"""Safe YAML to Python values, node by node, fast enough for thousand-entry configs.

Entries must keep their source lines, so the loader works on PyYAML's node tree
rather than on ``safe_load``'s result. Two costs dominate PyYAML on large configs and
are cut here without changing its semantics: implicit tag resolution, which is run
only for plain scalars whose first character some resolver can match (everything
else is a string, exactly as the resolver would decide) and remembered per text (keys
repeat in every entry), and the generic constructor,
replaced for plain maps, lists and strings by a direct walk that writes the dotted
keys of ``ConfigParams`` as it goes. Any other tag goes to
the safe constructor, which refuses unsafe ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, cast

import yaml

from wirework.config.params import flatten
from wirework.errors import ConfigError

__all__ = ["ScalarHook", "compose", "construct_flat"]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_RESOLVABLE_FIRST = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)

ScalarHook = Callable[[yaml.ScalarNode, str], Any]


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    # The safe schema has no path resolvers, so the per-node path bookkeeping is moot.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    saw_merge = False  # set once a "<<" key is resolved: only then look for merges
    _plain_tags: ClassVar[dict[str, str]] = {}  # plain scalar text -> tag; bounded below

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode or not implicit[0]:
            tag: str = super().resolve(kind, value, implicit)
            return tag
        if value and value[0] not in _RESOLVABLE_FIRST:
            return _STR
        cache = self._plain_tags
        found = cache.get(value)
        if found is None:
            found = super().resolve(kind, value, implicit)
            if len(cache) > 4096:
                cache.clear()
            cache[value] = found
        if found == _MERGE:
            self.saw_merge = True
        return found


def compose(text: str, filename: str) -> tuple[yaml.Node | None, Any]:
    """The root node (``None`` for an empty document) and a loader to construct with."""
    loader = _Loader(text)
    try:
        return loader.get_single_node(), loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise ConfigError(f"invalid YAML: {exc.problem or exc}", source=where) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", source=filename) from exc


def construct_flat(
    node: yaml.Node, loader: Any, on_string: ScalarHook, filename: str
) -> tuple[dict[str, Any], dict[str, int]]:
    """``node`` as dotted keys (see ``ConfigParams``) and the 1-based line of each key.

    Lines are recorded for every key written, and for every map or list key on the way
    to it (``options`` as well as ``options.timeout``), so an error about any key can
    point at the line that holds it. String scalars pass ``on_string``.
    """
    out: dict[str, Any] = {}
    lines: dict[str, int] = {}
    try:
        _flatten(node, loader, on_string, "", out, lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise ConfigError(f"invalid YAML: {exc.problem or exc}", source=where) from exc
    return out, lines


def _flatten(
    node: yaml.Node,
    loader: Any,
    on_string: ScalarHook,
    prefix: str,
    out: dict[str, Any],
    lines: dict[str, int],
) -> None:
    kind = node.__class__
    if kind is yaml.ScalarNode:
        if prefix:
            scalar = cast(yaml.ScalarNode, node)
            out[prefix] = (
                on_string(scalar, node.value) if node.tag == _STR else _scalar(node, loader)
            )
    elif _plain_map(node, loader) and node.value:
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR else _key(key_node, loader)
            path = f"{prefix}.{key}" if prefix else key
            lines[path] = key_node.start_mark.line + 1
            _flatten(value_node, loader, on_string, path, out, lines)
    elif kind is yaml.SequenceNode and node.tag == _SEQ and node.value:
        for index, item in enumerate(node.value):
            path = f"{prefix}.{index}" if prefix else str(index)
            lines[path] = item.start_mark.line + 1
            _flatten(item, loader, on_string, path, out, lines)
    else:
        value = _construct(node, loader, on_string)
        if isinstance(value, dict | list) and value:
            out.update(flatten(value, prefix))
        elif prefix:
            out[prefix] = value


def _plain_map(node: yaml.Node, loader: Any) -> bool:
    return (
        node.__class__ is yaml.MappingNode
        and node.tag == _MAP
        and not (loader.saw_merge and any(key.tag == _MERGE for key, _ in node.value))
    )


def _key(node: yaml.Node, loader: Any) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise ConfigError(
            "invalid YAML: a key must be a scalar, not a map or a list",
            source=f"line {node.start_mark.line + 1}",
        )
    return str(node.value if node.tag == _STR else loader.construct_object(node))


def _scalar(node: yaml.Node, loader: Any) -> Any:
    """A non-string scalar: the common ones directly, the rest by the safe constructor."""
    text, tag = node.value, node.tag
    if tag == _INT and text.isdecimal() and (text[0] != "0" or text == "0"):
        return int(text)  # plain decimal; octal, hex, "1_000" and sexagesimal go below
    if tag == _BOOL and text in _BOOLS:
        return _BOOLS[text]
    return loader.construct_object(node, deep=True)


def _construct(node: yaml.Node, loader: Any, on_string: ScalarHook) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return on_string(node, node.value) if node.tag == _STR else _scalar(node, loader)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_construct(item, loader, on_string) for item in node.value]
    if _plain_map(node, loader):
        return {_key(k, loader): _construct(v, loader, on_string) for k, v in node.value}
    return loader.construct_object(node, deep=True)
