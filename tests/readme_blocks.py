"""The fenced blocks of the project's Markdown files, and how each one is run as a test.

Documentation drifts unless it is run, so every block runs the way a reader would use
it (``tests/test_readme.py`` collects them; a new block is picked up with no change
here):

- ``python``: run with this interpreter (``python -c``); it must exit 0.
- ``yaml``/``yml``: a wirework config; ``wirework check`` must accept it (built,
  configured and wired, not opened).
- ``sh``/``bash``/``shell``: each line runs in bash (with ``pipefail``) and must exit
  0. ``wirework`` and ``python`` are this environment's, also when written
  ``.venv/bin/wirework`` or ``../../.venv/bin/python``; pipes, redirections and
  ``NAME=value`` prefixes work. A line ``wirework run ...`` runs until it reports
  "started", then gets SIGTERM and must exit 0. Programs other than those and a few
  text tools (``head``, ``grep``...) need an annotation: ``make``, ``pip``...
- ``json``: must parse.
- ``text`` and untagged blocks: output shown to the reader; nothing runs (a skip).
- any other language fails until it is annotated.

Runnable blocks run in a fresh temporary directory that shows the Markdown file's own
directory through links (``config/``, ``examples/``...: a command written "from the
repository root" finds what it names), so what a block writes at its top stays there;
a block must not write into a linked folder. Annotations are HTML comments (invisible
once rendered) on the lines right above a block's opening fence:

- ``<!-- readme: skip: WHY -->``: not run; WHY shows in the test id.
- ``<!-- readme: file NAME -->``: the block is the file NAME (a relative path); every
  later block of the same Markdown file finds it in its directory. A YAML file is
  also checked as a config, a Python file compiled.
- ``<!-- readme: in the repository -->``: runs in the Markdown file's own directory
  itself (such a block must not write there).

Tables are checked too: a blank line inside a table splits it, and the rows after it
render as plain text.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Block", "parse", "run", "table_problems"]

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
_ANNOTATION = re.compile(r"^\s*<!--\s*readme:\s*(?P<text>.*?)\s*-->\s*$")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_VENV_PROGRAM = re.compile(r"(?<![\w/.-])[\w./-]*\.venv/bin/(?=(?:wirework|python3?)\b)")
_SEPARATORS = frozenset({"|", "||", "&&", ";", "&"})
_REDIRECTS = frozenset({">", ">>", "<", "2>", "&>", "2>&1"})
_PROGRAMS = frozenset(
    {"wirework", "python", "python3", "cd", "head", "tail", "grep", "cat", "echo", "wc", "sort"}
)
_SHELLS = frozenset({"sh", "bash", "shell", "console"})
_OUTPUT = frozenset({"", "text", "output"})
TIMEOUT = 60.0


@dataclass(frozen=True)
class Block:
    """One fenced block, with its annotations and the files declared before it."""

    path: Path  # the Markdown file
    root: Path  # what ids are relative to
    line: int  # 1-based line of the opening fence
    lang: str
    text: str
    skip: str | None = None
    file: str | None = None
    in_repository: bool = False
    files: tuple[tuple[str, str], ...] = ()  # (name, text) of earlier file blocks

    @property
    def id(self) -> str:
        label = f"{self.path.relative_to(self.root)}:{self.line} {self.lang or 'untagged'}"
        if self.file:
            label += f" file {self.file}"
        if self.skip:
            label += f" (skipped: {self.skip})"
        elif self.lang in _OUTPUT and not self.file:
            label += " (skipped: output shown to the reader)"
        return label


def parse(path: Path, root: Path) -> tuple[list[Block], list[str]]:
    """The blocks of ``path``, and the problems of its annotations (as messages)."""
    blocks: list[Block] = []
    problems: list[str] = []
    files: list[tuple[str, str]] = []
    pending: list[tuple[int, str]] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        annotation = _ANNOTATION.match(lines[index])
        opening = _FENCE.match(lines[index])
        if annotation:
            pending.append((index + 1, annotation.group("text")))
        elif opening:
            start, indent, fence = index + 1, len(opening.group("indent")), opening.group("fence")
            body: list[str] = []
            index += 1
            while index < len(lines) and not lines[index].strip().startswith(fence):
                body.append(lines[index][indent:])
                index += 1
            skip, file, in_repository = _annotations(pending, problems, path)
            text = "\n".join(body) + "\n"
            lang = opening.group("lang").lower()
            blocks.append(
                Block(path, root, start, lang, text, skip, file, in_repository, tuple(files))
            )
            if file and not skip:
                files.append((file, text))
            pending = []
        elif lines[index].strip():
            problems.extend(f"{path}:{n}: annotation not above a block" for n, _ in pending)
            pending = []
        index += 1
    problems.extend(f"{path}:{n}: annotation not above a block" for n, _ in pending)
    return blocks, problems


def _annotations(
    pending: list[tuple[int, str]], problems: list[str], path: Path
) -> tuple[str | None, str | None, bool]:
    """``(skip reason, file name, in the repository)`` from a block's annotations."""
    skip, file, in_repository = None, None, False
    for number, text in pending:
        if text.startswith("skip:") and text[5:].strip():
            skip = text[5:].strip()
        elif text.startswith("file ") and text[5:].strip():
            file = text[5:].strip()
            if Path(file).is_absolute() or ".." in Path(file).parts:
                problems.append(f"{path}:{number}: a file block needs a relative path: {file}")
        elif text == "in the repository":
            in_repository = True
        else:
            problems.append(
                f"{path}:{number}: unknown annotation {text!r}; expected 'skip: WHY', "
                "'file NAME' or 'in the repository'"
            )
    return skip, file, in_repository


def table_problems(path: Path) -> list[str]:
    """Runs of table rows (``|`` lines) without a header and separator row."""
    problems = []
    run_start: int | None = None
    lines = [*path.read_text(encoding="utf-8").splitlines(), ""]
    in_fence = False
    for number, line in enumerate(lines, 1):
        if _FENCE.match(line):
            in_fence = not in_fence
        is_row = not in_fence and line.lstrip().startswith("|")
        if is_row and run_start is None:
            run_start = number
        elif not is_row and run_start is not None:
            separator = lines[run_start] if run_start < len(lines) else ""
            if number - run_start < 2 or not re.fullmatch(r"\s*\|?[\s:|-]*-[\s:|-]*", separator):
                problems.append(
                    f"{path}:{run_start}: table rows without a header and separator row "
                    "(is a blank line splitting a table?)"
                )
            run_start = None
    return problems


# -- running ------------------------------------------------------------------------------
def run(block: Block, directory: Path) -> None:
    """Run ``block`` in ``directory``; an AssertionError says what failed and its output."""
    where = f"{block.path}:{block.line}"
    if block.file:
        _check_file(block, directory, where)
    elif block.lang == "python":
        _command([sys.executable, "-c", block.text], directory, {}, where)
    elif block.lang in ("yaml", "yml"):
        (directory / "config.yml").write_text(block.text, encoding="utf-8")
        _command([*_wirework(), "check", "-c", "config.yml"], directory, {}, where)
    elif block.lang in _SHELLS:
        for line in block.text.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                _shell(line, directory, where)
    elif block.lang == "json":
        try:
            json.loads(block.text)
        except ValueError as exc:
            raise AssertionError(f"{where}: invalid JSON: {exc}") from exc
    else:
        raise AssertionError(
            f"{where}: nothing runs {block.lang!r} blocks; annotate the block with "
            "<!-- readme: skip: WHY --> or add a runner in tests/readme_blocks.py"
        )


def prepare(block: Block, scratch: Path) -> Path:
    """The directory ``block`` runs in: the file blocks written before it, and links to
    the rest of the Markdown file's directory (a file block's name wins over a link)."""
    if block.in_repository:
        return block.path.parent
    for name, text in block.files:
        target = scratch / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for entry in block.path.parent.iterdir():
        link = scratch / entry.name
        if not entry.name.startswith(".") and not link.exists():
            link.symlink_to(entry, target_is_directory=entry.is_dir())
    return scratch


def _check_file(block: Block, directory: Path, where: str) -> None:
    assert block.file is not None
    target = directory / block.file
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(block.text, encoding="utf-8")
    if block.lang in ("yaml", "yml"):
        _command([*_wirework(), "check", "-c", block.file], directory, {}, where)
    elif block.lang == "python":
        try:
            compile(block.text, where, "exec")
        except SyntaxError as exc:
            raise AssertionError(f"{where}: {exc}") from exc


def _shell(line: str, directory: Path, where: str) -> None:
    """One line of a shell block, run by bash with this environment's programs first."""
    script = _VENV_PROGRAM.sub("", line)
    commands = _commands(script)
    for words in commands:
        if Path(words[0]).name not in _PROGRAMS:
            raise AssertionError(
                f"{where}: {shlex.join(words)!r} cannot run in the README test; annotate the "
                "block with <!-- readme: skip: WHY -->"
            )
    env = {"PATH": f"{_shims()}{os.pathsep}{os.environ.get('PATH', '')}"}
    if commands[0][:2] == ["wirework", "run"]:
        if len(commands) > 1:
            raise AssertionError(f"{where}: 'wirework run' must be alone on its line")
        _run_until_started(["bash", "-c", f"exec {script}"], directory, env, where)
    else:
        _command(["bash", "-o", "pipefail", "-c", script], directory, env, where)


def _commands(script: str) -> list[list[str]]:
    """The simple commands of a shell line, without their ``NAME=value`` prefixes."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    commands: list[list[str]] = [[]]
    redirected = False
    for token in lexer:
        if token in _SEPARATORS:
            commands.append([])
        elif token in _REDIRECTS:
            redirected = True
        elif redirected:
            redirected = False  # the file name after a redirection
        elif commands[-1] or not _ASSIGNMENT.match(token):
            commands[-1].append(token)
    return [words for words in commands if words]


@functools.cache
def _shims() -> str:
    """A directory whose ``wirework`` and ``python`` are this environment's."""
    folder = Path(tempfile.mkdtemp(prefix="readme-bin-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for name, argv in (
        ("wirework", _wirework()),
        ("python", [sys.executable]),
        ("python3", [sys.executable]),
    ):
        shim = folder / name
        shim.write_text(f'#!/bin/sh\nexec {shlex.join(argv)} "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
    return str(folder)


def _wirework() -> list[str]:
    script = Path(sys.executable).with_name("wirework")
    return [str(script)] if script.exists() else [sys.executable, "-m", "wirework"]


def _command(argv: list[str], directory: Path, env: dict[str, str], where: str) -> None:
    shown = shlex.join(argv if argv[0] != sys.executable or len(argv) < 3 else argv[:2])
    try:
        done = subprocess.run(
            argv,
            cwd=directory,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"{where}: {shown} did not finish in {TIMEOUT:.0f} s") from exc
    if done.returncode != 0:
        raise AssertionError(
            f"{where}: {shown} exited {done.returncode}\n"
            f"--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
        )


def _run_until_started(argv: list[str], directory: Path, env: dict[str, str], where: str) -> None:
    process = subprocess.Popen(
        argv,
        cwd=directory,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    watchdog = threading.Timer(TIMEOUT, process.kill)
    watchdog.start()
    seen: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if "started" in line:
                process.send_signal(signal.SIGTERM)
                break
        rest, _ = process.communicate()
    finally:
        watchdog.cancel()
    output = "".join(seen) + (rest or "")
    if process.returncode != 0 or not any("started" in line for line in seen):
        raise AssertionError(
            f"{where}: {shlex.join(argv)} exited {process.returncode} "
            f"(stopped with SIGTERM once started)\n{output}"
        )
