"""Reading a container config file into ``ComponentSpec`` entries that remember their line.

Loading has two halves. The first (``entries``) parses the YAML into raw entries:
dotted keys and values with their lines, ``${...}`` markers untouched; it is what
costs, and what the parse cache (``filecache``) keeps between runs for a file whose
bytes have not changed. The second, here, runs on every load, cached or not: it
resolves the markers against the current environment and ``parameters`` (each
problem reported at its scalar's line, naming its entry) and checks each entry:
a descriptor that is not a string, an entry with neither ``descriptor:`` nor
``type:``, a ``dependencies:`` that is not a map.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from wirework.config import _filecache as filecache
from wirework.config._entries import RawEntry, dump_entries, load_entries, read_entries
from wirework.config._interpolate import MarkerProblem, substitute
from wirework.config._params import ConfigParams
from wirework.config._secrets import is_secret_key
from wirework.config._spec import ComponentSpec, LineMap
from wirework.descriptor import Descriptor
from wirework.errors import ConfigError, closest


def load_config(
    path: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
) -> list[ComponentSpec]:
    """Read ``path``; ``parameters`` win over the environment in ``${VAR}`` markers.

    The parse is cached (see ``filecache``; ``WIREWORK_NO_CACHE=1`` turns that off):
    only a file that loads without error is stored, and markers are resolved anew on
    every load.
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {file}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read config file {file}: {exc.strerror}") from exc
    name = filecache.key(data) if filecache.enabled() else None
    if name is not None:
        stored = filecache.load(name)
        entries = load_entries(stored) if stored is not None else None
        if entries is not None:
            return _specs(entries, str(file), parameters)
    entries = read_entries(_text(data, file), str(file))
    payload = dump_entries(entries) if name is not None else None  # before markers resolve
    specs = _specs(entries, str(file), parameters)
    if name is not None and payload is not None:
        filecache.store(name, payload)
    return specs


def _text(data: bytes, file: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        raise ConfigError(
            f"the file is not UTF-8: byte 0x{data[exc.start]:02x} at line {line}, "
            f"column {column} is not valid UTF-8",
            source=f"{file}:{line}",
            hint="save the config as UTF-8",
        ) from exc


def parse_config(
    text: str,
    filename: str = "<string>",
    parameters: Mapping[str, Any] | None = None,
) -> list[ComponentSpec]:
    """Parse config text; see :func:`load_config` (text is never cached)."""
    return _specs(read_entries(text, filename), filename, parameters)


def _specs(
    entries: list[RawEntry], filename: str, parameters: Mapping[str, Any] | None
) -> list[ComponentSpec]:
    """Resolve the markers of every entry (all problems reported at once), then check
    and build each entry. ``entries`` are changed in place."""
    lookup = _lookup(parameters)
    problems: list[MarkerProblem] = []
    for _, values, _, _, templated, _ in entries:
        found = len(problems)
        for key, line, typed in templated:
            text = values[key]
            values[key] = substitute(
                text,
                lookup,
                f"{filename}:{line}",
                problems,
                typed=typed,
                secret=is_secret_key(key) or ("@" in text and "://" in text),
            )
        if len(problems) > found:  # name the entry in its own marker problems
            label = _label(values)
            problems[found:] = [replace(p, component=label) for p in problems[found:]]
    if problems:
        raise _marker_error(problems, filename)
    shapes: dict[tuple[tuple[str, ...], bytes | tuple[int, ...]], dict[str, int]] = {}
    specs = []
    for line, values, keys, offsets, _, kinds in entries:
        shape = shapes.get((keys, offsets))
        if shape is None:  # entries written alike share one map of key -> line offset
            shape = shapes[keys, offsets] = dict(zip(keys, offsets, strict=True))
        specs.append(_spec(filename, line, values, shape, kinds))
    return specs


def _lookup(parameters: Mapping[str, Any] | None) -> Callable[[str], str | None]:
    """A marker's value: from ``parameters`` first, else the environment."""
    params = {str(k): v for k, v in (parameters or {}).items()}

    def lookup(name: str) -> str | None:
        if name in params:
            value = params[name]
            return None if value is None else str(value)
        return os.environ.get(name)

    return lookup


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


def _spec(
    filename: str,
    line: int,
    value: dict[str, Any],
    offsets: dict[str, int],
    kinds: dict[str, tuple[str, bool]],
) -> ComponentSpec:
    source = f"{filename}:{line}"
    lines = LineMap(offsets, line)

    def at(key: str) -> str:
        return f"{filename}:{lines[key]}" if key in lines else source

    descriptor_text = _text_field(value, kinds, "descriptor", at)
    type_text = _text_field(value, kinds, "type", at)
    if descriptor_text is None and type_text is None:
        keys = {key.split(".", 1)[0] for key in value}
        near = closest("descriptor", keys) + closest("type", keys)
        raise ConfigError(
            "component entry has neither 'descriptor:' nor 'type:'",
            source=source,
            hint=f"did you mean {near[0]!r} -> 'descriptor'/'type'?" if near else None,
        )
    descriptor = None
    label = type_text
    if descriptor_text is not None:
        try:
            descriptor = Descriptor.from_string(descriptor_text)
        except ConfigError as exc:
            raise ConfigError(exc.message, source=at("descriptor")) from exc
        label = str(descriptor)
        if label == descriptor_text:
            label = descriptor_text  # one string for both, not two equal ones
    assert label is not None
    dependencies = kinds.get("dependencies")
    if dependencies is not None and not dependencies[1]:
        raise ConfigError(
            f"'dependencies:' must be a map of name: descriptor, got {dependencies[0]}",
            component=label,
            source=at("dependencies"),
            hint="write e.g. 'dependencies: {persistence: myapp:persistence:*:*:1.0}'",
        )
    return ComponentSpec(descriptor, type_text, ConfigParams(value), source, label, line, offsets)


def _text_field(
    value: dict[str, Any], kinds: dict[str, tuple[str, bool]], key: str, at: Callable[[str], str]
) -> str | None:
    """``descriptor:`` or ``type:``: absent, or a string."""
    text = value.get(key)
    if isinstance(text, str):
        return text
    written = kinds.get(key)
    if written is None and key not in value:
        return None
    what = {"descriptor": "'group:type:kind:name:version'", "type": "'package.module:Class'"}[key]
    got = written[0] if written is not None else repr(text)
    raise ConfigError(f"'{key}:' must be a string {what}, got {got}", source=at(key))
