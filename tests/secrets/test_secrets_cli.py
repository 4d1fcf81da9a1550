"""No secret is ever shown by the ``wirework`` command: every credential form through
``check``, ``graph`` and ``run`` (plain and ``--debug``), as subprocesses, against the
real servers and an unreachable port, with logging at its most talkative.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from secret_forms import (
    BACKENDS,
    ENV_NAME,
    ENV_VALUE,
    FORMS,
    MARK,
    Form,
    entry,
)

pytestmark = pytest.mark.server

LOGGER = "- descriptor: pip-services:logger:console:default:1.0\n  level: trace\n"
STARTED = "started ("  # the container's log line once everything is open


def wirework(config: Path, *args: str) -> tuple[int, str]:
    """Run the command; a ``run`` that starts is stopped with SIGTERM. Returns the exit
    status and everything it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "wirework", *args, "-c", str(config)],
        cwd=config.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, ENV_NAME: ENV_VALUE, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    seen = ""
    if args[0] == "run":
        for line in process.stdout:
            seen += line
            if STARTED in line:
                process.send_signal(signal.SIGTERM)
                break
    out, err = process.communicate(timeout=60)
    return process.returncode, seen + out + err


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_no_command_shows_a_secret(
    form: Form, servers: dict[str, str], unreachable: int, tmp_path: Path
) -> None:
    backends = [backend for backend in BACKENDS if backend.server in form.servers]
    every = tmp_path / "all-up.yml"
    every.write_text(LOGGER + "".join(entry(b, form, servers[b.server]) for b in backends))
    runs = [("check", every, ("check",)), ("graph", every, ("graph", "--format", "mermaid"))]
    if form.refused_at == "configure":  # refused before any connection: one run says it all
        runs += [("run", every, ("run",)), ("run --debug", every, ("run", "--debug"))]
    else:
        for backend in backends:
            for reachable, extra in ((True, ()), (False, ("--debug",))):
                port = None if reachable else unreachable
                config = tmp_path / f"{backend.name}-{'up' if reachable else 'down'}.yml"
                config.write_text(LOGGER + entry(backend, form, servers[backend.server], port=port))
                runs.append((f"run {config.stem} {' '.join(extra)}", config, ("run", *extra)))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda run: wirework(run[1], *run[2]), runs))

    for (name, config, args), (status, printed) in zip(runs, results, strict=True):
        assert MARK not in printed, f"{name} showed a secret:\n{printed}"
        valid = form.refused_at is None
        up = config.stem.endswith("-up")
        if args[0] in ("check", "graph"):
            expected = 0 if form.refused_at != "configure" else 1
        else:
            expected = 0 if valid and up else 1
        assert status == expected, f"{name}: exit {status}\n{printed}"
        if status == 0 and args[0] == "run":
            assert "stopped" in printed, printed
        if status == 1:
            assert "wirework:" in printed or "Traceback" in printed, printed
            if "--debug" not in args:
                assert "Traceback" not in printed, printed
