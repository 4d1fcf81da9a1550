"""End-to-end: the ``wirework`` command as a user runs it, in a subprocess."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).parent


def wirework(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wirework", *args, "--app-dir", str(TESTS)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def wait_for(process: subprocess.Popen[str], text: str, timeout: float = 20.0) -> str:
    assert process.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen += line
        if text in line:
            return seen
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"never saw {text!r}; output so far:\n{seen}")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config" / "config.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


LOGGER = "- descriptor: pip-services:logger:console:default:1.0\n  level: info\n"


def test_run_stops_gracefully_on_sigterm(tmp_path: Path) -> None:
    write(tmp_path, LOGGER + "- type: probe:Slow\n")
    process = wirework("run", cwd=tmp_path)  # default ./config/config.yml
    wait_for(process, "started")
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "slow: closed" in out
    assert "stopped" in out


def test_second_signal_exits_at_once(tmp_path: Path) -> None:
    write(tmp_path, LOGGER + "- type: probe:Slow\n  close_seconds: 60\n")
    process = wirework("run", cwd=tmp_path)
    wait_for(process, "started")  # a signal before this would interrupt the start-up
    process.send_signal(signal.SIGTERM)
    wait_for(process, "slow: closing")
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=20)
    assert time.monotonic() - started < 10
    assert process.returncode == 1


def test_failed_start_prints_one_readable_error(tmp_path: Path) -> None:
    path = write(tmp_path, "- descriptor: pip-services:loger:console:default:1.0\n")
    process = wirework("run", "-c", str(path), cwd=tmp_path)
    _out, err = process.communicate(timeout=20)
    assert process.returncode == 1
    assert "Traceback" not in err
    assert "no factory can create this descriptor" in err
    assert f"{path}:1" in err
    assert "did you mean pip-services:logger:console:*:1.0" in err


def test_debug_prints_the_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "- type: probe:Broken\n")
    process = wirework("run", "-c", str(path), "--debug", cwd=tmp_path)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 1
    assert "Traceback" in err
    assert "ValueError: no database URL" in err


def test_parameters_and_check(tmp_path: Path) -> None:
    path = write(tmp_path, "- type: probe:Probe\n  descriptor: t:p:${KIND}:x:1.0\n  id: x\n")
    process = wirework("check", "-c", str(path), "-p", "KIND=special", cwd=tmp_path)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "OK, 1 component," in out
    assert "t:p:special:x:1.0" in out


def test_check_reports_missing_variables_and_exits_1(tmp_path: Path) -> None:
    path = write(tmp_path, "- descriptor: t:p:${KIND_UNSET_XYZ}:x:1.0\n")
    process = wirework("check", "-c", str(path), cwd=tmp_path)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 1
    assert "variable ${KIND_UNSET_XYZ} is not set" in err


def test_graph_formats(tmp_path: Path) -> None:
    path = write(tmp_path, LOGGER)
    for fmt, marker in (("text", "1. pip-services"), ("mermaid", "graph TD"), ("dot", "digraph")):
        process = wirework("graph", "-c", str(path), "--format", fmt, cwd=tmp_path)
        out, err = process.communicate(timeout=20)
        assert process.returncode == 0, err
        assert marker in out


def test_bad_parameter_syntax(tmp_path: Path) -> None:
    process = wirework("check", "-p", "NOEQUALS", cwd=tmp_path)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 2
    assert "expected KEY=VALUE, got 'NOEQUALS'" in err
