"""Graph output: a label from the config cannot add statements to a DOT or Mermaid diagram."""

import re
from pathlib import Path

import pytest

from wirework.container import Container
from wirework.container._graph import Graph, Node

HOSTILE = [
    'a"];\n  evil [label="x',
    "b]\n  injected-->n0",
    "c}\ndigraph x {",
    "d\\N\\l\\",
    "e; click n0 call alert(1)",
    "f-->g",
    "h<b>#quot;&amp;</b>",
    "i\r\u2028\x00",
    "j[k](l){m}|n",
]

DOT_NODE = re.compile(r'  n(\d+) \[label="((?:[^"\\\n]|\\.)*)"\];')
MERMAID_NODE = re.compile(r'  n(\d+)\["([A-Za-z0-9 :*._\-/@,+=#;]*)"\]')


def graph() -> Graph:
    nodes = [Node(i, label, f"c.yml:{i + 1}", object()) for i, label in enumerate(HOSTILE)]
    for node in nodes[1:]:
        node.needs.add(0)
    return Graph(nodes)


def edges(count: int, arrow: str, end: str = "") -> list[str]:
    return [f"  n{i} {arrow} n0{end}" for i in range(1, count)]


def test_dot_labels_stay_inside_their_quotes() -> None:
    lines = graph().render("dot").split("\n")
    assert lines[:2] == ["digraph wirework {", "  rankdir=LR;"]
    assert lines[-1] == "}"
    node_lines = lines[2 : 2 + len(HOSTILE)]
    assert lines[2 + len(HOSTILE) : -1] == edges(len(HOSTILE), "->", ";")
    for line, label in zip(node_lines, HOSTILE, strict=True):
        match = DOT_NODE.fullmatch(line)
        assert match is not None, line
        # DOT's own escapes (\\ and \") and the spelled-out control characters
        # read back as Python's string escapes do
        assert match.group(2).encode("ascii").decode("unicode_escape") == label


def test_mermaid_labels_are_entity_coded() -> None:
    lines = graph().render("mermaid").split("\n")
    assert lines[0] == "graph TD"
    node_lines = lines[1 : 1 + len(HOSTILE)]
    assert lines[1 + len(HOSTILE) :] == edges(len(HOSTILE), "-->")
    for line, label in zip(node_lines, HOSTILE, strict=True):
        match = MERMAID_NODE.fullmatch(line)
        assert match is not None, line
        decoded = re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), match.group(2))
        assert decoded == label
        assert "-->" not in match.group(2)


def test_text_output_keeps_one_component_per_line() -> None:
    lines = graph().render("text").split("\n")
    assert len(lines) == 2 * len(HOSTILE) - 1  # each needs the first: one extra line each
    assert lines[0] == r'  1. a"];\n  evil [label="x (c.yml:1)'
    assert all(line.startswith(("  ", "       needs ")) for line in lines)


def test_hostile_descriptor_from_a_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.yml"
    path.write_text(
        '- type: probe:Probe\n  descriptor: "x\\"];\\nevil-->n0;{:p:k:n:1.0"\n  id: a\n'
    )
    rendered = Container.from_file(path).check().render("mermaid")
    assert rendered.split("\n")[1] == '  n0["x#34;#93;#59;#10;evil--#62;n0#59;#123;:p:k:n:1.0"]'


@pytest.mark.parametrize("fmt", ["text", "mermaid", "dot"])
def test_every_format_renders_plain_labels_unchanged(fmt: str) -> None:
    nodes = [Node(0, "pip-services:logger:console:default:1.0", "c.yml:1", object())]
    assert "pip-services:logger:console:default:1.0" in Graph(nodes).render(fmt)
