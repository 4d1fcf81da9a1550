"""Safe YAML to Python values, node by node, fast enough for thousand-entry configs.

Entries must keep their source lines, so the loader works on PyYAML's node tree
rather than on ``safe_load``'s result. Two costs dominate PyYAML on large configs and
are cut here without changing its semantics: implicit tag resolution, which is run
only for plain scalars whose first character some resolver can match (everything
else is a string, exactly as the resolver would decide) and remembered per text (keys
repeat in every entry), and the generic constructor,
replaced for plain maps, lists and strings by a direct walk. Any other tag goes to
the safe constructor, which refuses unsafe ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import yaml

from wirework.errors import ConfigError

__all__ = ["ScalarHook", "compose", "construct"]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_INT = "tag:yaml.org,2002:int"
_RESOLVABLE_FIRST = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)

ScalarHook = Callable[[yaml.ScalarNode, str], Any]


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    # The safe schema has no path resolvers, so the per-node path bookkeeping is moot.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

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


def construct(node: yaml.Node, loader: Any, on_string: ScalarHook, filename: str) -> Any:
    """The Python value of ``node``; every string scalar passes through ``on_string``."""
    try:
        return _construct(node, loader, on_string)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise ConfigError(f"invalid YAML: {exc.problem or exc}", source=where) from exc


def _construct(node: yaml.Node, loader: Any, on_string: ScalarHook) -> Any:
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return on_string(node, node.value)
        text = node.value
        if node.tag == _INT and text.isdecimal() and (text[0] != "0" or text == "0"):
            return int(text)  # plain decimal; octal, hex, "1_000" and sexagesimal go below
        return loader.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_construct(item, loader, on_string) for item in node.value]
    if (
        isinstance(node, yaml.MappingNode)
        and node.tag == _MAP
        and not any(key.tag == _MERGE for key, _ in node.value)
    ):
        out = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, loader, lambda _node, text: text)
            try:
                out[key] = _construct(value_node, loader, on_string)
            except TypeError as exc:
                raise ConfigError(
                    f"invalid YAML: unhashable key {key!r}",
                    source=f"line {key_node.start_mark.line + 1}",
                ) from exc
        return out
    return loader.construct_object(node, deep=True)
