"""The ``wirework`` command as a new user first meets it: help, version, pipes, quiet services,
and an application directory that must not replace the drivers."""

import os
import signal
import subprocess
import sys
import uuid
from importlib import metadata
from pathlib import Path

import pytest

import wirework
from servers import POSTGRES_URI, REDIS_URI, require

LOGGER = "- descriptor: pip-services:logger:console:default:1.0\n"


def command(*args: str, cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wirework", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def start_run(path: Path, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wirework", "run", "-c", str(path)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def write(directory: Path, text: str, name: str = "config.yml") -> Path:
    path = directory / name
    path.write_text(text)
    return path


def test_help_is_plain_text(tmp_path: Path) -> None:
    commands = ("run", "check", "graph", "schema")
    for args in (["--help"], *([name, "--help"] for name in commands)):
        result = command(*args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "``" not in result.stdout
        assert ":class:" not in result.stdout
    assert "Run a service assembled from a YAML config" in command("--help", cwd=tmp_path).stdout


def test_version_comes_from_the_package_metadata(tmp_path: Path) -> None:
    result = command("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"wirework {metadata.version('wirework')}"
    assert wirework.__version__ == metadata.version("wirework")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = wirework.nope  # type: ignore[attr-defined]


def test_check_counts_one_component_in_the_singular(tmp_path: Path) -> None:
    path = write(tmp_path, LOGGER)
    result = command("check", "-c", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{path}: OK, 1 component, in open order:\n")


def test_graph_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    entries = "".join(
        f"- descriptor: pip-services:logger:null:n{i}:1.0\n" for i in range(2000)
    )  # far more output than a pipe buffers
    path = write(tmp_path, entries)
    result = subprocess.run(
        f"{sys.executable} -m wirework graph -c {path} | head -n 1",
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "1. pip-services:logger:null:n0:1.0 (" + f"{path}:1)"
    assert "Traceback" not in result.stderr
    assert "BrokenPipeError" not in result.stderr
    assert result.stderr == ""


def test_schema_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    result = subprocess.run(
        f"{sys.executable} -m wirework schema | head -n 1",
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout == "{\n"  # the schema is far longer than a pipe buffers
    assert result.stderr == ""


def test_run_without_a_logger_still_says_started_and_stopped(tmp_path: Path) -> None:
    path = write(tmp_path, "- descriptor: pip-services:state-store:memory:default:1.0\n")
    process = start_run(path, tmp_path)
    assert process.stderr is not None
    first = process.stderr.readline()
    assert first.startswith("wirework: container ")
    assert "started (1 component, no logger); stop it with Ctrl-C" in first
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert err.startswith("wirework: container ")
    assert err.rstrip().endswith("stopped")


FAKE_DRIVER = "raise RuntimeError('the application directory replaced the driver {name}')\n"


def shadowing_app(tmp_path: Path) -> Path:
    """An application directory holding a psycopg.py and a redis.py of its own."""
    for name in ("psycopg", "redis"):
        write(tmp_path, FAKE_DRIVER.format(name=name), f"{name}.py")
    write(tmp_path, "class Thing:\n    pass\n", "app_things.py")
    return tmp_path


def test_app_modules_cannot_shadow_the_drivers_after_cli_setup(tmp_path: Path) -> None:
    app = shadowing_app(tmp_path)
    probe = (
        "import sys\n"
        "from wirework.cli import use_app_dir\n"
        "use_app_dir('.')\n"
        "import psycopg, redis, app_things\n"
        "print(psycopg.__file__)\n"
        "print(redis.__file__)\n"
        "print(app_things.__file__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=app,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    psycopg_file, redis_file, app_file = result.stdout.split()
    assert not psycopg_file.startswith(str(app))
    assert not redis_file.startswith(str(app))
    assert app_file == str(app / "app_things.py")


def test_run_with_shadowing_modules_uses_the_real_drivers(tmp_path: Path) -> None:
    postgres = require(POSTGRES_URI, "PostgreSQL")
    redis = require(REDIS_URI, "Redis")
    app = shadowing_app(tmp_path)
    table = f"ww_appdir_{uuid.uuid4().hex[:12]}"
    path = write(
        app,
        LOGGER
        + "- descriptor: pip-services:state-store:postgres:default:1.0\n"
        + f"  connection: {{uri: '{postgres}'}}\n"
        + f"  options: {{table: {table}}}\n"
        + "- descriptor: pip-services:state-store:redis:default:1.0\n"
        + f"  connection: {{uri: '{redis}'}}\n"
        + f"  options: {{key_prefix: 'ww-appdir-{table}:'}}\n"
        + "- type: app_things:Thing\n",
    )
    try:
        checked = command("check", "-c", str(path), cwd=app)
        assert checked.returncode == 0, checked.stderr
        assert "OK, 4 components" in checked.stdout
        process = start_run(path, app)
        assert process.stdout is not None
        started = process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert "started" in started, err
        assert process.returncode == 0, err
        assert "replaced the driver" not in err
    finally:
        import psycopg

        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f'DROP TABLE IF EXISTS "{table}"')
