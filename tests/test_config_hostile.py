"""Hostile config files: alias bombs, deep nesting, recursive aliases; refused cleanly."""

import tracemalloc
from pathlib import Path

import pytest
import yaml

from wirework.config import _yamlnodes as yamlnodes
from wirework.config import parse_config
from wirework.config._walk import MAX_ALIAS_KEYS
from wirework.config._yamlnodes import MAX_DEPTH
from wirework.errors import ConfigError

PEAK_LIMIT = 32 * 1024 * 1024  # the bombs below would take gigabytes if expanded


def laughs(levels: int, *, in_entry: bool) -> str:
    """The classic "billion laughs": each level lists the previous one ten times."""
    indent = "  " if in_entry else ""
    lines = ["- descriptor: a:b:c:d:1.0"] if in_entry else []
    lines.append(f"{indent}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]")
    lines += [
        f"{indent}l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels + 1)
    ]
    return "\n".join(lines) + "\n"


def map_laughs(levels: int) -> str:
    """The same with maps: each level maps ten keys to the previous one."""
    lines = ["- descriptor: a:b:c:d:1.0", "  m0: &m0 {a: 1, b: 1, c: 1, d: 1, e: 1, f: 1}"]
    for i in range(1, levels + 1):
        keys = ", ".join(f"k{j}: *m{i - 1}" for j in range(10))
        lines.append(f"  m{i}: &m{i} {{{keys}}}")
    return "\n".join(lines) + "\n"


def merge_laughs(levels: int) -> str:
    """Merges whose values alias the level below: keys repeat, values multiply."""
    lines = ["- descriptor: a:b:c:d:1.0", "  m0: &m0 {a: [1, 2, 3]}"]
    for i in range(1, levels + 1):
        lines.append(
            f"  m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: *m{i - 1}, j{i}: *m{i - 1}}}"
        )
    return "\n".join(lines) + "\n"


def refusal(text: str) -> str:
    """The message wirework refuses ``text`` with, having checked the peak memory meanwhile."""
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError) as info:
            parse_config(text, "bomb.yml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_LIMIT, f"peak {peak:,} bytes"
    return str(info.value)


@pytest.mark.parametrize("levels", [6, 7, 9])
def test_billion_laughs_in_an_entry_is_refused_at_the_alias(levels: int) -> None:
    message = refusal(laughs(levels, in_entry=True))
    # l4 (line 6) is the first level whose aliases would pass the budget
    assert message.startswith(f"bomb.yml:6: aliases expand to more than {MAX_ALIAS_KEYS:,} keys")


@pytest.mark.parametrize("levels", [6, 7])
def test_billion_laughs_as_a_top_level_map_is_refused_without_expanding(levels: int) -> None:
    message = refusal(laughs(levels, in_entry=False))
    assert message.startswith("bomb.yml:1: a component entry must be a map")


@pytest.mark.parametrize("text", [map_laughs(7), merge_laughs(40)], ids=["maps", "merges"])
def test_map_and_merge_bombs_are_refused(text: str) -> None:
    message = refusal(text)
    assert "aliases expand to more than" in message


def test_a_bomb_inside_a_tagged_collection_is_refused() -> None:
    text = laughs(3, in_entry=True) + "  x: !!omap [{a: [" + ", ".join(["*l3"] * 10) + "]}]\n"
    with pytest.raises(ConfigError, match=r"bomb\.yml:6: aliases expand to more than"):
        parse_config(text, "bomb.yml")


def test_ordinary_anchors_are_far_below_the_budget() -> None:
    entries = [
        "- descriptor: a:state-store:postgres:s0:1.0\n"
        "  connection: &pg {host: db, port: 5432, database: app}\n"
        "  options: &opts {timeout: 60000, retries: 3, table: t}\n"
    ]
    entries += [
        f"- descriptor: a:state-store:postgres:s{i}:1.0\n"
        f"  connection: *pg\n"
        f"  options: {{<<: *opts, table: t{i}}}\n"
        for i in range(1, 1000)
    ]
    specs = parse_config("".join(entries), "many.yml")
    assert len(specs) == 1000
    assert specs[999].config["connection.port"] == 5432
    assert specs[999].config["options.table"] == "t999"
    assert specs[999].config["options.retries"] == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- descriptor: a:b:c:d:1.0\n  x: &a [1, *a]\n", "bomb.yml:2: recursive alias"),
        ("- descriptor: a:b:c:d:1.0\n  x: &a {k: *a}\n", "bomb.yml:2: recursive alias"),
        ("- descriptor: a:b:c:d:1.0\n  x: &a {<<: *a}\n", "bomb.yml:2: recursive merge"),
        ("- descriptor: a:b:c:d:1.0\n  x: !!set &a {? *a}\n", "bomb.yml:2: nested deeper"),
    ],
)
def test_recursive_aliases_are_refused(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "bomb.yml")
    assert str(info.value).startswith(message)


def nested(depth: int) -> str:
    return "- descriptor: a:b:c:d:1.0\n  x: " + "[" * depth + "1" + "]" * depth + "\n"


def test_nesting_up_to_the_limit_is_read() -> None:
    spec = parse_config(nested(MAX_DEPTH - 2), "deep.yml")[0]
    assert spec.config["x" + ".0" * (MAX_DEPTH - 2)] == 1


@pytest.mark.parametrize("depth", [MAX_DEPTH, 995, 5000])
def test_deeper_nesting_is_refused_with_the_line(depth: int) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(nested(depth), "deep.yml")
    message = str(info.value)
    assert message.startswith("deep.yml:2:")
    assert "nested deeper than 100 levels" in message or "maximum nesting depth" in message


def test_deep_block_nesting_is_refused_with_the_line() -> None:
    body = "".join(" " * (i + 2) + f"k{i}:\n" for i in range(300))
    with pytest.raises(ConfigError, match=r"deep\.yml:\d+: nested deeper than 100 levels"):
        parse_config("- descriptor: a:b:c:d:1.0\n" + body + " " * 302 + "v\n", "deep.yml")


def test_the_pure_python_composer_recursion_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without libyaml, PyYAML composes recursively in Python.
    monkeypatch.setattr(yamlnodes, "_Loader", type("PyLoader", (yaml.SafeLoader,), {}))
    with pytest.raises(ConfigError) as info:
        parse_config(nested(995), "deep.yml")
    assert str(info.value).startswith("deep.yml: nested too deeply for the YAML composer")
    assert isinstance(info.value.__cause__, RecursionError)


def test_merges_nested_inline_beyond_the_limit_are_refused() -> None:
    merges = "{<<: " * 150 + "{a: 1}" + "}" * 150
    with pytest.raises(ConfigError) as info:
        parse_config(f"- descriptor: a:b:c:d:1.0\n  x: {merges}\n", "deep.yml")
    assert str(info.value).startswith("deep.yml:2: merges nested deeper than 100 levels")


def test_merge_of_a_list_holding_a_scalar_is_refused() -> None:
    text = "- descriptor: a:b:c:d:1.0\n  base: &b {a: 1}\n  x:\n    <<: [*b, 5]\n"
    with pytest.raises(ConfigError) as info:
        parse_config(text, "merge.yml")
    assert str(info.value).startswith("merge.yml:4: '<<' merges a map or a list of maps")


def test_a_key_that_is_a_list_is_refused_with_its_line() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config("- descriptor: a:b:c:d:1.0\n  options:\n    ? [a, b]\n    : 1\n", "key.yml")
    assert str(info.value).startswith(
        "key.yml:3: invalid YAML: a key must be a scalar, not a map or a list"
    )


def test_a_config_cut_short_anywhere_loads_or_is_refused() -> None:
    """A file read while it was being written: every prefix loads or is a ConfigError."""
    text = (Path(__file__).parent.parent / "config" / "config.yml").read_text()
    text += "- descriptor: a:b:c:d:1.0\n  options: {<<: {x: 1}, y: [1, '2', {z: ${Z:-3}}]}\n"
    outcomes = {"loaded": 0, "refused": 0}
    for end in range(len(text) + 1):
        try:
            parse_config(text[:end], "cut.yml")
        except ConfigError:
            outcomes["refused"] += 1
        else:
            outcomes["loaded"] += 1
    assert outcomes["loaded"] > 0
    assert outcomes["refused"] > 0
