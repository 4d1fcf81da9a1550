"""Every block of the project's Markdown files runs as written (see ``readme_blocks``).

A block that must not run says why in its annotation, and the reason shows in the
test id. The tests at the end run the harness on a deliberately broken sample, so a
harness that passes everything would fail here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from readme_blocks import Block, parse, prepare, run, table_problems

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "examples").glob("**/README.md"))]


def _blocks() -> list[object]:
    params: list[object] = []
    for document in DOCUMENTS:
        for block in parse(document, ROOT)[0]:
            reason = block.skip or (
                "output shown to the reader" if block.lang in ("", "text", "output") else None
            )
            marks = [pytest.mark.skip(reason=reason)] if reason and not block.file else []
            params.append(pytest.param(block, id=block.id, marks=marks))
    return params


@pytest.mark.parametrize("block", _blocks())
def test_block_runs_as_written(block: Block, tmp_path: Path) -> None:
    run(block, prepare(block, tmp_path))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_annotations_and_tables_are_well_formed(document: Path) -> None:
    assert parse(document, ROOT)[1] == []
    assert table_problems(document) == []


# -- the harness itself fails on broken documents -------------------------------------
BROKEN = """\
# A broken sample

```python
raise SystemExit("this snippet is broken")
```

```yaml
- descriptor: pip-services:loger:console:default:1.0
```

```sh
wirework check -c no-such-config.yml
```

```sh
make run
```

```sh
wirework check -c config.yml 2>&1 | grep -q "this is not in the output"
```

```sh
X=1 pip install something | head
```

```toml
[tool]
```

```json
{"a": 1,}
```

<!-- readme: file broken.yml -->
```yaml
- descriptor: [a, b]
```

<!-- readme: file components.py -->
```python
def broken(:
```

```sh
wirework run -c config.yml
```

| a | b |
|---|---|
| 1 | 2 |

| 3 | 4 |

<!-- readme: skipp: typo -->
```python
pass
```
"""

WORKING = """\
<!-- readme: file config.yml -->
```yaml
- descriptor: pip-services:state-store:memory:default:1.0
```

<!-- readme: file things.py -->
```python
class Thing:
    def configure(self, config):
        self.level = config.get_as_string("level")
```

```python
from things import Thing
from wirework.container import Container

with Container.from_file("config.yml") as container:
    assert container.references.get_one_required("*:state-store:*:*:1.0") is not None
```

```sh
GREETING=hi wirework check -c config.yml  # a comment
.venv/bin/python -c "import things"
wirework graph -c config.yml --format dot | head -n 1 > graph.txt && grep -q digraph graph.txt
wirework run -c config.yml
```

<!-- readme: skip: needs a server -->
```sh
make run
```

```text
output, not run
```
"""


def sample(tmp_path: Path, text: str) -> list[Block]:
    document = tmp_path / "README.md"
    document.write_text(text)
    return parse(document, tmp_path)[0]


def test_every_broken_block_fails(tmp_path: Path) -> None:
    blocks = sample(tmp_path, BROKEN)
    runnable = [b for b in blocks if not b.skip]
    assert [b.lang for b in runnable] == [
        "python",
        "yaml",
        "sh",
        "sh",
        "sh",
        "sh",
        "toml",
        "json",
        "yaml",
        "python",
        "sh",
        "python",
    ]
    expected = [
        "this snippet is broken",
        "did you mean pip-services:logger:console:*:1.0",
        "config file not found",
        "'make run' cannot run in the README test",
        "exited 1",
        "'pip install something' cannot run in the README test",
        "nothing runs 'toml' blocks",
        "invalid JSON",
        "'descriptor:' must be a string",
        "invalid syntax",
        "config file not found",
    ]
    for block, message in zip(runnable[: len(expected)], expected, strict=True):
        scratch = tmp_path / f"run{block.line}"
        scratch.mkdir()
        with pytest.raises(AssertionError, match=re.escape(message)):
            run(block, prepare(block, scratch))


def test_broken_annotations_and_tables_are_reported(tmp_path: Path) -> None:
    sample(tmp_path, BROKEN)
    document = tmp_path / "README.md"
    problems = parse(document, tmp_path)[1]
    assert problems == [
        f"{document}:55: unknown annotation 'skipp: typo'; "
        "expected 'skip: WHY', 'file NAME' or 'in the repository'"
    ]
    assert table_problems(document) == [
        f"{document}:53: table rows without a header and separator row "
        "(is a blank line splitting a table?)"
    ]


def test_a_working_sample_passes_and_its_files_are_shared(tmp_path: Path) -> None:
    blocks = sample(tmp_path, WORKING)
    assert [(b.lang, b.file, b.skip) for b in blocks] == [
        ("yaml", "config.yml", None),
        ("python", "things.py", None),
        ("python", None, None),
        ("sh", None, None),
        ("sh", None, "needs a server"),
        ("text", None, None),
    ]
    assert [name for name, _ in blocks[2].files] == ["config.yml", "things.py"]
    for block in blocks[:4]:
        scratch = tmp_path / f"run{block.line}"
        scratch.mkdir()
        run(block, prepare(block, scratch))
    assert "(skipped: needs a server)" in blocks[4].id
    assert "(skipped: output shown to the reader)" in blocks[5].id
