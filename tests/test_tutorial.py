"""The seed tutorial runs end to end and prints what the tutorial shows."""

from __future__ import annotations

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
