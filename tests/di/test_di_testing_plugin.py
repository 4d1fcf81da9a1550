"""wirework.testing: the fixtures close containers even when the test fails.

The plugin is exercised in a separate pytest process, as a user would load it, so a
failing inner test is really a failing test and teardown really runs after it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

from wirework.errors import ConfigError
from wirework.testing import ContainerFactory

RECORDED = """
from pathlib import Path


class Recorded:
    def configure(self, config):
        self.log = Path(config["options.log"])
        self.name = config.get("options.name", "recorded")

    def _write(self, text):
        with self.log.open("a", encoding="utf-8") as out:
            out.write(text + "\\n")

    def open(self, correlation_id):
        self._write("open " + self.name)

    def close(self, correlation_id):
        self._write("close " + self.name)

    def is_open(self):
        return True

    def load(self, correlation_id, key):
        return "real:" + key
"""

HANDLERS = """
from wirework.di import ByDescriptor, Provide, inject


@inject
def read(key, store=Provide[ByDescriptor("*:state-store:*:*:1.0")]):
    return store.load(None, key)


@inject
def the_store(store=Provide[ByDescriptor("*:state-store:*:*:1.0")]):
    return store
"""

BROKEN = """
from wirework.di import Provide, inject


@inject
def broken(store=Provide["no_such_thing"]):
    return store
"""

CONFIG = """
- descriptor: t:state-store:memory:default:1.0
  type: recorded:Recorded
  options:
    log: ${LOG}
    name: ${NAME:-store}
"""

INNER = """
import pytest

import handlers

LOG = {log!r}


class Fake:
    def load(self, correlation_id, key):
        return "fake:" + key


def test_factory_failing(wirework_container):
    container = wirework_container(
        "configs/app.yml",
        {{"LOG": LOG, "NAME": "factory"}},
        overrides={{"*:state-store:*:*:1.0": Fake()}},
        wire=["handlers"],
    )
    assert container.is_open()
    assert handlers.read("k") == "fake:k"
    assert False, "deliberate failure"


MARKED = {{"LOG": LOG, "NAME": "marked"}}


@pytest.mark.wirework("configs/app.yml", parameters=MARKED, wire=["handlers"])
def test_marked_failing(wirework):
    assert wirework.is_open()
    assert handlers.read("k") == "real:k"
    raise RuntimeError("deliberate error")


def test_wire_error_closes(wirework_container):
    wirework_container("configs/app.yml", {{"LOG": LOG, "NAME": "broken"}}, wire=["broken"])


def test_marker_missing(wirework):
    pass


def test_config_not_found(wirework_container):
    wirework_container("configs/nope.yml")


def test_zz_after_everything():
    assert repr(handlers.the_store()).startswith("Provide['__self__'")  # unwired
    lines = open(LOG, encoding="utf-8").read().split()
    assert lines.count("open") == lines.count("close") == 2
"""


def plugin_args() -> list[str]:
    """Load the plugin by module unless its pytest11 entry point already does.

    Passing ``-p wirework.testing`` while the entry point (registered under another
    name) is installed makes pytest refuse to start: the module would be registered twice.
    """
    installed = any(
        ep.value == "wirework.testing" for ep in metadata.entry_points(group="pytest11")
    )
    return [] if installed else ["-p", "wirework.testing"]


def run_inner(tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    log = tmp_path / "lifecycle.log"
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "app.yml").write_text(textwrap.dedent(CONFIG), encoding="utf-8")
    (tmp_path / "recorded.py").write_text(RECORDED, encoding="utf-8")
    (tmp_path / "handlers.py").write_text(HANDLERS, encoding="utf-8")
    (tmp_path / "broken.py").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "test_inner.py").write_text(INNER.format(log=str(log)), encoding="utf-8")
    path = [str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *plugin_args(),
            "-p",
            "no:cacheprovider",
            "--strict-markers",
            "-rA",
            "-q",
            str(tmp_path / "test_inner.py"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return result, lines


@pytest.fixture(scope="module")
def inner(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    result, lines = run_inner(tmp_path_factory.mktemp("plugin"))
    return result.stdout + result.stderr, lines


def test_containers_close_when_the_test_fails(inner: tuple[str, list[str]]) -> None:
    output, lines = inner
    assert "FAILED test_inner.py::test_factory_failing - AssertionError: deliberate failure" in (
        output
    )
    assert "FAILED test_inner.py::test_marked_failing - RuntimeError: deliberate error" in output
    # the factory test overrides the store at build time: the real one never opens
    assert lines == [
        "open marked",
        "close marked",
        "open broken",
        "close broken",
    ]
    assert "PASSED test_inner.py::test_zz_after_everything" in output


def test_wiring_is_undone_and_the_real_store_never_opens(
    inner: tuple[str, list[str]],
) -> None:
    output, _ = inner
    # test_zz_after_everything checks the handlers are unwired in the same process
    assert "PASSED test_inner.py::test_zz_after_everything" in output
    assert "4 failed, 1 passed, 1 error" in output


def test_wire_error_is_reported_and_the_container_closed(inner: tuple[str, list[str]]) -> None:
    output, lines = inner
    assert "FAILED test_inner.py::test_wire_error_closes" in output
    assert "1 unresolvable marker in wired modules:" in output
    assert "broken.broken(store=Provide['no_such_thing']): no provider named 'no_such_thing'" in (
        output
    )
    assert lines[-2:] == ["open broken", "close broken"]


def test_marker_missing_is_reported(inner: tuple[str, list[str]]) -> None:
    output, _ = inner
    assert "ERROR test_inner.py::test_marker_missing" in output
    assert (
        "test_inner.py::test_marker_missing: the `wirework` fixture needs a "
        "@pytest.mark.wirework(path, parameters=..., overrides=..., wire=...) marker"
    ) in output


def test_missing_config_names_where_it_looked(inner: tuple[str, list[str]]) -> None:
    output, _ = inner
    assert "FAILED test_inner.py::test_config_not_found" in output
    assert "config file 'configs/nope.yml' not found; looked in /" in output
    assert " and /" not in output  # test directory and rootdir are the same here


def test_relative_paths_try_each_place_in_order(tmp_path: Path) -> None:
    first, second = tmp_path / "tests", tmp_path / "root"
    first.mkdir()
    second.mkdir()
    (second / "app.yml").write_text("[]\n", encoding="utf-8")
    factory = ContainerFactory(first, second)
    assert factory.resolve("app.yml") == second / "app.yml"
    (first / "app.yml").write_text("[]\n", encoding="utf-8")
    assert factory.resolve("app.yml") == first / "app.yml"
    assert factory.resolve(tmp_path / "elsewhere.yml") == tmp_path / "elsewhere.yml"
    with pytest.raises(ConfigError) as info:
        factory.resolve("missing.yml")
    assert str(info.value) == f"config file 'missing.yml' not found; looked in {first} and {second}"


PROJECT_TEST = """
class Fake:
    def load(self, correlation_id, key):
        return "fake:" + key


def test_the_project_imports_without_a_conftest(wirework_container):
    container = wirework_container(
        "../config/app.yml", overrides={"*:state-store:*:*:1.0": Fake()}
    )
    keeper = container.references.get_one_required("myapp:keeper:*:*:1.0")
    assert type(keeper).__module__ == "myapp.keeper"
    assert keeper.store.load(None, "k") == "fake:k"


def test_an_extra_app_dir(wirework_container):
    container = wirework_container("../config/extra.yml", app_dir="../vendor")
    assert type(container.references.get_one_required("x:extra:*:*:1.0")).__name__ == "Extra"
"""


def test_the_rootdir_is_importable_for_type_entries(tmp_path: Path) -> None:
    """A project laid out as users do: no conftest.py, nothing on PYTHONPATH."""
    (tmp_path / "myapp").mkdir()
    (tmp_path / "myapp" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "myapp" / "keeper.py").write_text(
        "class Keeper:\n"
        "    def set_references(self, references):\n"
        "        self.store = references.get_one_required('*:state-store:*:*:1.0')\n",
        encoding="utf-8",
    )
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "extra_mod.py").write_text("class Extra:\n    pass\n", "utf-8")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "app.yml").write_text(
        "- descriptor: pip-services:state-store:memory:default:1.0\n"
        "- descriptor: myapp:keeper:default:default:1.0\n"
        "  type: myapp.keeper:Keeper\n",
        encoding="utf-8",
    )
    (tmp_path / "config" / "extra.yml").write_text(
        "- descriptor: x:extra:default:default:1.0\n  type: extra_mod:Extra\n", "utf-8"
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_project.py").write_text(PROJECT_TEST, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *plugin_args(), "-p", "no:cacheprovider", "-q"],
        cwd=tmp_path / "tests",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "2 passed" in result.stdout, result.stdout + result.stderr
