"""Fixtures for the wirework.di tests: containers built from YAML text, closed after."""

from __future__ import annotations

import itertools
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from di_support import MakeContainer, MakeModule

from wirework.container import Container
from wirework.testing import ContainerFactory

BASIC = """
- descriptor: myapp:state-store:memory:default:1.0
  type: di_components:Store
  options:
    max_size: 10
    nested:
      flag: true
  credential:
    password: hunter2
- descriptor: myapp:persistence:memory:items:1.0
  type: di_components:Persistence
  alias: items
  options:
    max_page_size: 50
- type: di_components:Plain
"""


@pytest.fixture
def make_container(tmp_path: Path) -> Iterator[MakeContainer]:
    """``make_container(yaml_text)``: an opened container, closed after the test."""
    factory = ContainerFactory(tmp_path)
    counter = iter(range(1000))

    def make(text: str) -> Container:
        path = tmp_path / f"config{next(counter)}.yml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return factory(path)

    try:
        yield make
    finally:
        factory.close()


@pytest.fixture
def basic(make_container: MakeContainer) -> Container:
    return make_container(BASIC)


_module_numbers = itertools.count()


@pytest.fixture
def make_module() -> Iterator[MakeModule]:
    """``make_module(source)``: a fresh importable module holding wired functions."""
    made: list[str] = []

    def make(source: str, **namespace: Any) -> ModuleType:
        name = f"di_generated_{next(_module_numbers)}"
        module = ModuleType(name)
        module.__dict__.update(namespace)
        sys.modules[name] = module
        made.append(name)
        exec(compile(textwrap.dedent(source), f"<{name}>", "exec"), module.__dict__)
        return module

    try:
        yield make
    finally:
        for name in made:
            sys.modules.pop(name, None)
