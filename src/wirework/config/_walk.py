"""Composed YAML nodes to the dotted keys of ``ConfigParams``, with the line of each key.

The generic constructor is the other cost that dominates PyYAML on large configs; it
is replaced for plain maps, lists and strings by a direct walk that writes the dotted
keys as it goes. Any other tag goes to the safe constructor, which refuses unsafe ones.

The same walk refuses what a hostile or mistyped file could do to it, at no extra
pass: a key written twice in one map (the last would win silently), nesting deeper
than ``MAX_DEPTH``, and aliases that expand to more than :data:`MAX_ALIAS_KEYS` keys
(a "billion laughs" file of a few hundred bytes would otherwise become ten million
keys). An alias is the composer handing out the same node object twice, so a
collection met a second time is an alias; the walk remembers how many keys each
collection produced, and charges that many before expanding it again. Files without
an anchor (no ``&``) cannot share nodes and skip that bookkeeping.

Keys are shared: every entry of a large config repeats ``options.timeout``, and a
service keeps each entry's keys as long as it runs, so equal keys are one string
(through a table of the walk's own, which goes with it, unlike interned strings).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import yaml

from wirework.config._params import flatten
from wirework.config._scalars import MAX_INT_DIGITS, check_int
from wirework.config._secrets import is_secret_key
from wirework.config._yamlnodes import MAX_DEPTH, MERGE_TAG, STR_TAG
from wirework.errors import ConfigError

MAX_ALIAS_KEYS = 100_000  # keys (and their lines) that aliases and merges may add to a file

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_VALUE = "tag:yaml.org,2002:value"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_SHOWN = 40  # longest value quoted back in a message

StringHook = Callable[[yaml.ScalarNode, str], Any]  # (scalar, its dotted key) -> value
_Pairs = Sequence[tuple[yaml.Node, yaml.Node]]


class FlatWalk:
    """The entries of one composed file as dotted keys (see ``ConfigParams``) and lines.

    One walk per file, because an anchor in one entry may be aliased in another and
    the alias budget is the file's. String scalars pass ``on_string``.
    """

    def __init__(self, loader: Any, on_string: StringHook, filename: str, *, anchors: bool):
        self._loader = loader
        self._on_string = on_string
        self._filename = filename
        self._sizes: dict[int, int] | None = {} if anchors else None  # node -> keys it made
        self._merges: dict[int, dict[str, tuple[yaml.Node, yaml.Node]] | None] = {}
        self._alias_keys = 0
        self._in_alias = False
        self._paths: dict[str, str] = {}  # each dotted key written, to share equal ones

    def entry(self, node: yaml.Node) -> tuple[dict[str, Any], dict[str, int]]:
        """``node`` as dotted keys and the 1-based line of each key.

        Lines are recorded for every key written, and for every map or list key on
        the way to it (``options`` as well as ``options.timeout``), so an error about
        any key can point at the line that holds it.
        """
        out: dict[str, Any] = {}
        lines: dict[str, int] = {}
        try:
            self._walk(node, "", out, lines, 0)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{self._filename}:{mark.line + 1}" if mark else self._filename
            raise ConfigError(f"invalid YAML: {exc.problem or exc}", source=where) from exc
        return out, lines

    # -- the walk -------------------------------------------------------------------
    def _walk(
        self, node: yaml.Node, prefix: str, out: dict[str, Any], lines: dict[str, int], depth: int
    ) -> None:
        if node.__class__ is yaml.ScalarNode:
            if prefix:
                out[prefix] = (
                    self._on_string(node, prefix)
                    if node.tag == STR_TAG
                    else self._scalar(node, prefix)
                )
            return
        if depth >= MAX_DEPTH:
            raise self._too_deep(node)
        sizes = self._sizes
        if sizes is None:
            self._collection(node, prefix, out, lines, depth)
            return
        size = sizes.get(id(node))
        if size is not None:
            self._alias(node, size, prefix, out, lines, depth)
            return
        sizes[id(node)] = -1  # in progress: meeting it again inside itself is a recursive alias
        before = len(out) + len(lines)
        self._collection(node, prefix, out, lines, depth)
        sizes[id(node)] = len(out) + len(lines) - before

    def _collection(
        self, node: yaml.Node, prefix: str, out: dict[str, Any], lines: dict[str, int], depth: int
    ) -> None:
        kind, tag, value = node.__class__, node.tag, node.value
        paths = self._paths
        if kind is yaml.MappingNode and tag == _MAP and value:
            pairs: _Pairs = value
            if self._loader.saw_merge and any(k.tag == MERGE_TAG for k, _ in value):
                pairs = self._merged_pairs(node, depth)
            for key_node, value_node in pairs:
                key = key_node.value if key_node.tag == STR_TAG else self._key(key_node)
                path = f"{prefix}.{key}" if prefix else key
                path = paths.setdefault(path, path)
                if path in lines:
                    raise self._duplicate(path, lines[path], key_node, out.get("descriptor"))
                lines[path] = key_node.start_mark.line + 1
                self._walk(value_node, path, out, lines, depth + 1)
        elif kind is yaml.SequenceNode and tag == _SEQ and value:
            start, own_line = node.start_mark.index, node.start_mark.line
            for index, item in enumerate(value):
                path = f"{prefix}.{index}" if prefix else str(index)
                path = paths.setdefault(path, path)
                if path in lines:
                    raise self._duplicate(path, lines[path], item, out.get("descriptor"))
                # an aliased item carries its anchor's mark, which comes before the list
                mark = item.start_mark
                lines[path] = (mark.line if mark.index >= start else own_line) + 1
                self._walk(item, path, out, lines, depth + 1)
        else:
            self._tagged(node, prefix, out, depth)

    def _alias(
        self,
        node: yaml.Node,
        size: int,
        prefix: str,
        out: dict[str, Any],
        lines: dict[str, int],
        depth: int,
    ) -> None:
        """Expand a collection met before, after charging the keys it will add."""
        where = f"{self._filename}:{lines[prefix]}" if prefix in lines else self._at(node)
        if size < 0:
            raise ConfigError("recursive alias: it refers to a node that contains it", source=where)
        if self._in_alias:  # the outermost alias was charged for everything inside it
            self._collection(node, prefix, out, lines, depth)
            return
        self._charge(size, where)
        self._in_alias = True
        try:
            self._collection(node, prefix, out, lines, depth)
        finally:
            self._in_alias = False

    def _charge(self, keys: int, where: str) -> None:
        self._alias_keys += keys
        if self._alias_keys > MAX_ALIAS_KEYS:
            raise ConfigError(
                f"aliases expand to more than {MAX_ALIAS_KEYS:,} keys (refused here)",
                source=where,
                hint="an alias copies its anchor's whole content wherever it appears; "
                "a file whose aliases nest multiplies that content at every level",
            )

    # -- merges ("<<") ----------------------------------------------------------------
    def _merged_pairs(self, node: yaml.Node, depth: int) -> _Pairs:
        pairs = self._effective(node, depth)
        merged = len(pairs) - sum(1 for k, _ in node.value if k.tag != MERGE_TAG)
        if self._sizes is not None and not self._in_alias and merged > 0:
            self._charge(2 * merged, self._at(node))
        return list(pairs.values())

    def _effective(self, node: yaml.Node, depth: int) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """A map's pairs after its ``<<`` merges, as the YAML merge-key spec orders them.

        Explicit keys win over merged ones, and among the merged maps the first one
        written wins (``<<: [*a, *b]`` takes a key from ``a`` before ``b``). Computed
        once per map node, so a chain of merges costs its length, not two to the
        power of it.
        """
        if id(node) in self._merges:
            known = self._merges[id(node)]
            if known is None:
                raise ConfigError(
                    "recursive merge: '<<' refers to a map that contains it", source=self._at(node)
                )
            return known
        if depth >= MAX_DEPTH:
            raise ConfigError(
                f"merges nested deeper than {MAX_DEPTH} levels", source=self._at(node)
            )
        self._merges[id(node)] = None
        sources: list[yaml.Node] = []
        explicit: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                sources.extend(self._merge_sources(value_node))
                continue
            key = key_node.value if key_node.tag == STR_TAG else self._key(key_node)
            if key in explicit:
                raise self._duplicate(key, explicit[key][0].start_mark.line + 1, key_node, None)
            explicit[key] = (key_node, value_node)
        result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for source in reversed(sources):  # later sources first, so earlier ones overwrite
            result.update(self._effective(source, depth + 1))
        result.update(explicit)
        self._merges[id(node)] = result
        return result

    def _merge_sources(self, node: yaml.Node) -> list[yaml.Node]:
        sources = list(node.value) if isinstance(node, yaml.SequenceNode) else [node]
        if all(isinstance(source, yaml.MappingNode) for source in sources):
            return sources
        raise ConfigError(
            "'<<' merges a map or a list of maps (e.g. '<<: *defaults'), got something else",
            source=self._at(node),
        )

    # -- leaves -----------------------------------------------------------------------
    def _scalar(self, node: yaml.Node, key: str) -> Any:
        """A non-string scalar: the common ones directly, the rest by the safe constructor."""
        text, tag = node.value, node.tag
        if (
            tag == _INT
            and text.isdecimal()
            and (text[0] != "0" or text == "0")
            and len(text) <= MAX_INT_DIGITS
        ):
            return int(text)  # plain decimal; octal, hex, "1_000" and sexagesimal go below
        if tag == _BOOL and text in _BOOLS:
            return _BOOLS[text]
        return self._construct(node, key)

    def _construct(self, node: yaml.Node, key: str) -> Any:
        try:
            return check_int(self._loader.construct_object(node, deep=True), str(node.value))
        except yaml.MarkedYAMLError:
            raise
        except Exception as exc:  # the safe constructors raise ValueError, IndexError, ...
            what = f"invalid {node.tag.rsplit(':', 1)[-1]} value"
            if is_secret_key(key):  # the cause quotes the value too
                message = f"{what} (not shown: the key holds a secret)"
            else:
                message = f"{what} {_short(node.value)}: {exc}"
            raise ConfigError(message, source=self._at(node)) from exc

    def _key(self, node: yaml.Node) -> str:
        if node.tag == _VALUE:
            return "="  # PyYAML reads a plain "=" key as the string "="
        if isinstance(node, yaml.ScalarNode):
            return str(self._scalar(node, ""))
        hint = None
        if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
            name = node.value[0][0].value
            hint = f"{{{{{name}}}}} is the Pip.Services form; wirework reads ${{{name}}}"
        raise ConfigError(
            "invalid YAML: a key must be a scalar, not a map or a list",
            source=self._at(node),
            hint=hint,
        )

    def _tagged(self, node: yaml.Node, prefix: str, out: dict[str, Any], depth: int) -> None:
        """Empty maps and lists, and tagged collections (``!!set``, ``!!omap``...)."""
        if node.value:
            self._bound(node, depth)
        value = self._construct(node, prefix)
        if isinstance(value, dict | list) and value:
            out.update(flatten(value, prefix))
        elif prefix:
            out[prefix] = value

    def _bound(self, root: yaml.Node, depth: int) -> None:
        """Depth and size of a subtree the safe constructor will build (it recurses)."""
        counted = self._sizes is not None  # only a file with anchors can multiply nodes
        budget = MAX_ALIAS_KEYS - self._alias_keys
        stack = [(root, depth)]
        count = 0
        while stack:
            node, level = stack.pop()
            count += 1
            if counted and count > budget:
                self._charge(count, self._at(root))
            if isinstance(node, yaml.ScalarNode):
                continue
            if level >= MAX_DEPTH:
                raise self._too_deep(node)
            if isinstance(node, yaml.SequenceNode):
                stack.extend((item, level + 1) for item in node.value)
            elif isinstance(node, yaml.MappingNode):
                stack.extend((part, level + 1) for pair in node.value for part in pair)
        if counted:
            self._charge(count, self._at(root))

    # -- messages ---------------------------------------------------------------------
    def _at(self, node: yaml.Node) -> str:
        return f"{self._filename}:{node.start_mark.line + 1}"

    def _too_deep(self, node: yaml.Node) -> ConfigError:
        return ConfigError(
            f"nested deeper than {MAX_DEPTH} levels of maps and lists",
            source=self._at(node),
            hint=f"wirework reads at most {MAX_DEPTH} levels inside an entry",
        )

    def _duplicate(self, key: str, first_line: int, node: yaml.Node, entry: Any) -> ConfigError:
        """``key`` written a second time at ``node``; ``entry`` is the entry's descriptor."""
        return ConfigError(
            f"duplicate key {key!r} at lines {first_line} and {node.start_mark.line + 1}",
            component=entry if isinstance(entry, str) else None,
            source=self._at(node),
            hint="did you forget the '- ' before a second entry?"
            if key in ("descriptor", "type")
            else "write each key once (with two, the last would win silently)",
        )


def _short(value: str) -> str:
    return repr(value if len(value) <= _SHOWN else value[: _SHOWN - 3] + "...")
