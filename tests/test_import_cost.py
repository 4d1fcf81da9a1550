"""``import wirework.container`` imports only what building a container in code needs.

Each check runs in a fresh interpreter, since this one has imported everything already.
The modules named here cost more to import than wirework's own (``importlib.metadata``
alone about as much as the rest), and each is loaded when it is used: the YAML loader
when a config file is read, entry-point discovery when a container is made, pydantic
when a schema is checked, the dependency injector's bridge and the drivers when asked
for, logging by the stdlib logger.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from wirework.log import LogLevel

LAZY = (
    "importlib.metadata",
    "yaml",
    "pydantic",
    "dependency_injector",
    "http.server",
    "redis",
    "psycopg",
    "sqlite3",
    "logging",
    "urllib.parse",
    "wirework.config._loader",
    "wirework.di",
    # what the top-level face hands out lazily: the stores, persistences and their engine
    "wirework.state",
    "wirework.persistence",
    "wirework.sql",
    "wirework.refer._typed",
)


def imported_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


@pytest.mark.parametrize("statement", ["import wirework.container", "import wirework"])
def test_importing_the_container_loads_none_of_the_costly_modules(statement: str) -> None:
    loaded = imported_after(statement)
    assert not loaded & set(LAZY)


def test_each_is_loaded_when_used() -> None:
    loaded = imported_after(
        "from wirework.container import Container\n"
        "Container()\n"
        "from wirework.config import parse_config\n"
        "parse_config('- descriptor: a:b:c:d:e')"
    )
    assert {"importlib.metadata", "yaml", "wirework.config._loader"} <= loaded


def test_a_name_of_the_face_imports_its_package_when_first_used() -> None:
    loaded = imported_after("from wirework import SqliteStateStore")
    assert {"wirework.state", "wirework.sql"} <= loaded
    assert "sqlite3" not in loaded  # the driver waits for open


def test_the_version_needs_no_metadata() -> None:
    loaded = imported_after("import wirework\nassert wirework.__version__")
    assert "importlib.metadata" not in loaded


def test_stdlib_level_numbers_are_the_logging_constants() -> None:
    assert [level.to_stdlib() for level in LogLevel] == [
        logging.CRITICAL + 10,
        logging.CRITICAL,
        logging.ERROR,
        logging.WARNING,
        logging.INFO,
        logging.DEBUG,
        5,
    ]
