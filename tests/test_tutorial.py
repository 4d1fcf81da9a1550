"""The Pip.Services persistence tutorial runs end to end and prints what it shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "examples" / "memory_persistence_tutorial.py"

EXPECTED = """\
Step 1 - create
  created MyDummy(id='1', key='key 1', content='content 1')
  created MyDummy(id='2', key='key 2', content='content 2')
  created MyDummy(id='<generated>', key='key 3', content='content 3')
Step 2 - read by filter
  key 2: 1 item(s)
    MyDummy(id='2', key='key 2', content='content 2')
Step 3 - read all
  all: 3 item(s)
    MyDummy(id='1', key='key 1', content='content 1')
    MyDummy(id='2', key='key 2', content='content 2')
    MyDummy(id='<generated>', key='key 3', content='content 3')
Step 4 - update
  updated MyDummy(id='2', key='key 2', content='new content 2')
  key 2: 1 item(s)
    MyDummy(id='2', key='key 2', content='new content 2')
Step 5 - update partially
  updated MyDummy(id='2', key='key 2', content='Partially updated content 2')
  key 2: 1 item(s)
    MyDummy(id='2', key='key 2', content='Partially updated content 2')
Step 6 - delete
  deleted MyDummy(id='1', key='key 1', content='content 1')
Step 7 - verify
  id 1: 0 item(s)
  all: 2 item(s)
    MyDummy(id='2', key='key 2', content='Partially updated content 2')
    MyDummy(id='<generated>', key='key 3', content='content 3')
  by key 'key 3': MyDummy(id='<generated>', key='key 3', content='content 3')
"""


def test_tutorial_output() -> None:
    result = subprocess.run(
        [sys.executable, str(TUTORIAL)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    generated = set(re.findall(r"id='([0-9a-f]{32})'", result.stdout))
    assert len(generated) == 1, "the third dummy gets one generated 32-hex id"
    assert result.stdout.replace(generated.pop(), "<generated>") == EXPECTED


YAML_EXAMPLE = ROOT / "examples" / "yaml_persistence" / "run.py"


def test_yaml_declared_persistence_runs_in_a_container() -> None:
    result = subprocess.run(
        [sys.executable, str(YAML_EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "info"},
    )
    assert result.returncode == 0, result.stderr
    # the console logger's lines carry a timestamp; keep their messages only
    lines = [re.sub(r"^\[[^\]]*\] ", "[log] ", line) for line in result.stdout.splitlines()]
    generated = re.search(r"Bob    id=([0-9a-f]{32})$", result.stdout, re.MULTILINE)
    assert generated, result.stdout
    assert lines == [
        "[log] container wirework started (3 components)",
        "Sign up",
        "  Carol  id=u1",
        "  Alice  id=u2",
        f"  Bob    id={generated.group(1)}",
        "Members, one page at a time (options.max_page_size from YAML)",
        "  page 1: Alice, Bob (of 3)",
        "  page 2: Carol (of 3)",
        "Promote Alice",
        "  User(id='u2', name='Alice', email='alice@example.com', role='admin')",
        "  members left: 2",
        "State store: last signup was Bob",
        "[log] 3 users, 1 admin",
        "[log] container wirework stopped",
    ]


def test_yaml_page_size_comes_from_the_config_parameters() -> None:
    result = subprocess.run(
        [sys.executable, str(YAML_EXAMPLE), "5"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "  page 1: Alice, Bob, Carol (of 3)" in result.stdout
    assert "page 2" not in result.stdout
