"""What the command prints: results on stdout, errors on stderr with secrets masked."""

from __future__ import annotations

import os
import sys
import traceback

from wirework.config._secrets import redact, secrets_of
from wirework.container import Container


def print_out(text: str) -> None:
    """A command's output on stdout; a reader that stops early ends it quietly."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # Python would report the pipe again when it flushes at exit: point stdout
        # at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def report(
    exc: BaseException,
    container: Container,
    *,
    debug: bool = False,
    prefix: str = "",
    separator: str = "\n",
) -> None:
    """Print ``exc`` with every secret of the config masked, even in a driver's text
    quoted inside a traceback."""
    if debug:
        text = "".join(traceback.format_exception(exc))
    else:
        text = f"wirework: {prefix}{describe(exc, separator)}\n"
    secrets = secrets_of(spec.config for spec in container.config)
    sys.stderr.write(redact(text, secrets))


def describe(exc: BaseException, separator: str = "\n") -> str:
    """The message, its notes (what was rolled back) and, for a group, each error."""
    lines = [str(exc), *getattr(exc, "__notes__", [])]
    if isinstance(exc, BaseExceptionGroup):
        lines = [exc.message, *(f"  - {describe(e)}" for e in exc.exceptions)]
    return separator.join(lines)
