"""Composing a config file into PyYAML's node tree, fast, with errors that name the line.

Entries must keep their source lines, so the loader works on the node tree rather
than on ``safe_load``'s result (``walk`` turns nodes into dotted keys). Implicit tag
resolution is one of the two costs that dominate PyYAML on large configs; it is run
here only for plain scalars whose first character some resolver can match (everything
else is a string, exactly as the resolver would decide) and remembered per text (keys
repeat in every entry).

Composing recurses once per level of nesting, in C with libyaml and in Python
without it. libyaml refuses more than 1,000 levels itself (a marked error, with the
line); the pure-Python composer would hit the interpreter's recursion limit first, and
that is reported as a config error too. The walk then allows far fewer levels.
"""

from __future__ import annotations

from typing import Any, ClassVar

import yaml

from wirework.errors import ConfigError

MAX_DEPTH = 100  # maps and lists inside an entry
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVABLE_FIRST = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)


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
            return STR_TAG
        cache = self._plain_tags
        found = cache.get(value)
        if found is None:
            found = super().resolve(kind, value, implicit)
            if len(cache) > 4096:
                cache.clear()
            cache[value] = found
        if found == MERGE_TAG:
            self.saw_merge = True
        return found


def compose(text: str, filename: str) -> tuple[yaml.Node | None, Any]:
    """The root node (``None`` for an empty document) and a loader to construct with."""
    try:
        loader = _Loader(text)
        return loader.get_single_node(), loader
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, filename) from exc
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(text.find(chr(exc.character)), 0)) + 1
        raise ConfigError(
            f"invalid YAML: character {chr(exc.character)!r} is not allowed: {exc.reason}",
            source=f"{filename}:{line}",
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", source=filename) from exc
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        raise ConfigError(
            f"the text is not valid Unicode: {text[exc.start]!r} ({exc.reason})",
            source=f"{filename}:{line}",
        ) from exc
    except RecursionError as exc:  # the pure-Python composer recurses per level
        raise ConfigError(
            f"nested too deeply for the YAML composer (wirework allows {MAX_DEPTH} levels)",
            source=filename,
        ) from exc


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, filename: str) -> ConfigError:
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return ConfigError(f"invalid YAML: {exc.problem or exc}", source=filename)
    lines = text.splitlines()
    line_text = lines[mark.line] if mark.line < len(lines) else ""
    forgotten = line_text.lstrip().startswith(("descriptor:", "type:"))
    return ConfigError(
        f"invalid YAML: {exc.problem or exc}",
        source=f"{filename}:{mark.line + 1}",
        hint="did you forget the '- ' before this entry?" if forgotten else None,
    )
