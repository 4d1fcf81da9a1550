"""Bad configs that ``wirework check`` and ``wirework run`` must both refuse, identically.

``check`` is ``run`` minus ``open``: whatever ``run`` refuses before opening, ``check``
refuses too, with the same message and ``file:line``. Each case is one file in
``corpus/``: a config whose leading comments say what must happen. Adding a case is
adding a file:

    # expect: LINE: TEXT    a problem at the file's LINE whose message holds TEXT (repeatable)
    # hint: TEXT            text the output must hold (repeatable)
    # secret: TEXT          text the output must never hold
    # hide: MODULE          run both commands as if MODULE were not installed

The first line of a case is a comment (its first ``expect``): the test replaces it by
a component that announces its ``open`` and so opens first (the config must be a
list), which keeps every line number and catches a ``run`` that opened anything
before refusing. ``run`` runs in a subprocess with a time limit, so one that does not
refuse at all fails the test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wirework.cli import main

CORPUS = Path(__file__).parent / "corpus"
TESTS = Path(__file__).parent.parent  # where probe.py lives
OPENS_FIRST = "- type: probe:Slow  # says 'slow: opening' when opened\n"
RUN_LIMIT = 60  # seconds; a run that gets this far did not refuse
_DIRECTIVE = re.compile(r"^# (expect|hint|secret|hide): (.*)$")


@dataclass
class Case:
    path: Path
    expect: list[tuple[int, str]] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    hide: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Case:
        case = cls(path)
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _DIRECTIVE.match(line)
            if match is None:
                continue
            kind, text = match.groups()
            if kind == "expect":
                number, _, message = text.partition(": ")
                case.expect.append((int(number), message))
            else:
                {"hint": case.hints, "secret": case.secrets, "hide": case.hide}[kind].append(text)
        if not case.expect:
            raise AssertionError(f"{path.name} has no '# expect: LINE: TEXT' line")
        return case


CASES = sorted(CORPUS.glob("*.yml"))


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


def _command(case: Case, command: str, config: Path) -> list[str]:
    code = (
        "import sys\n"
        + "".join(f"sys.modules[{module!r}] = None\n" for module in case.hide)
        + "from wirework.cli import main\n"
        + f"raise SystemExit(main([{command!r}, '-c', {str(config)!r}, "
        + f"'--app-dir', {str(TESTS)!r}]))\n"
    )
    return [sys.executable, "-c", code]


def _in_subprocess(case: Case, command: str, config: Path) -> tuple[int, str, str]:
    try:
        done = subprocess.run(
            _command(case, command, config),
            capture_output=True,
            text=True,
            timeout=RUN_LIMIT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"wirework {command} did not refuse {case.path.name}") from exc
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_check_and_run_refuse_alike(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = Case.read(path)
    first, rest = path.read_text(encoding="utf-8").split("\n", 1)
    assert first.startswith("#"), "a case's first line is a comment: the test replaces it"
    config = tmp_path / path.name
    config.write_text(OPENS_FIRST + rest, encoding="utf-8")

    if case.hide:  # only a fresh process can lack a module
        check_code, _, check_err = _in_subprocess(case, "check", config)
    else:
        check_code = main(["check", "-c", str(config), "--app-dir", str(TESTS)])
        check_err = capsys.readouterr().err
    run_code, run_out, run_err = _in_subprocess(case, "run", config)

    assert (check_code, run_code) == (1, 1), check_err + run_err
    assert "slow: opening" not in run_out, "run opened a component before refusing"
    assert run_err == check_err
    lines = check_err.splitlines()
    for number, message in case.expect:
        where = f"{config}:{number}"
        assert any(where in line and message in line for line in lines), (
            f"no line with {where!r} and {message!r} in:\n{check_err}"
        )
    for hint in case.hints:
        assert hint in check_err
    for secret in case.secrets:
        assert secret not in check_err
