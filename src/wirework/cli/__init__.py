"""The ``wirework`` command: run a service from its config, check it, draw its graph,
print the JSON Schema of config files.

``run`` installs its signal handlers before anything opens. A SIGTERM or SIGINT
during start-up stops it at once: nothing more opens, what opened is closed in
reverse, and the process exits with 128 + the signal's number. Once running, a
signal closes everything and exits 0. A second signal, while anything is still
closing, exits at once with 1, naming what was left unclosed. A failed start prints
one readable error (the traceback only with ``--debug``) and exits 1. A config without a
logger still gets its start and stop lines, on stderr, so a quiet service does not look
hung. Output cut short by its reader (``wirework graph | head``) ends the command
quietly, with status 0: the reader got what it asked for.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import traceback
from collections.abc import Mapping, Sequence
from types import FrameType
from typing import Any

import wirework
from wirework.config._filecache import DISABLE_VARIABLE
from wirework.config._secrets import redact, secret_values
from wirework.container import Container
from wirework.container.graph import FORMATS, Graph
from wirework.container.interrupt import Interrupted, Interruption
from wirework.errors import WireworkError
from wirework.refer import Locator

__all__ = ["main"]

DEFAULT_CONFIG = "./config/config.yml"
DESCRIPTION = (
    "Run a service assembled from a YAML config, check the config, draw its graph, "
    "or print the JSON Schema of config files."
)


def _parameter(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-c",
        "--config",
        default=os.environ.get("WIREWORK_CONFIG", DEFAULT_CONFIG),
        help=f"config file (default: $WIREWORK_CONFIG or {DEFAULT_CONFIG})",
    )
    _shared_arguments(common)
    parser = argparse.ArgumentParser(prog="wirework", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"wirework {wirework.__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", parents=[common], help="open the components and run until a signal")
    commands.add_parser("check", parents=[common], help="build and wire without opening")
    graph = commands.add_parser("graph", parents=[common], help="print the dependency graph")
    graph.add_argument("--format", choices=FORMATS, default="text")
    schema = commands.add_parser(
        "schema", help="print the JSON Schema of config files (for editors)"
    )
    schema.add_argument(
        "-c", "--config", default=None, help="also cover the classes this config's type: names"
    )
    _shared_arguments(schema)
    return parser


def _shared_arguments(parser: argparse.ArgumentParser) -> None:
    """``-p``, ``--app-dir`` and ``--debug``: every command has them; ``-c`` differs."""
    parser.add_argument(
        "-p",
        "--param",
        dest="params",
        action="append",
        type=_parameter,
        default=[],
        metavar="KEY=VALUE",
        help="a ${KEY} value for the config; wins over the environment",
    )
    parser.add_argument(
        "--app-dir",
        default=".",
        help="directory of the modules 'type:' entries name; searched after the installed "
        "packages, which it cannot shadow (default: .)",
    )
    parser.add_argument("--debug", action="store_true", help="print tracebacks on errors")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help=f"parse the config afresh and store nothing (sets ${DISABLE_VARIABLE}=1)",
    )


def main(
    argv: Sequence[str] | None = None, *, overrides: Mapping[Locator, Any] | None = None
) -> int:
    """The ``wirework`` command; ``overrides`` (for a Python caller, e.g. a test of a
    service's start-up) swap config entries for stand-ins, as ``Container`` does."""
    args = _parser().parse_args(argv)
    if args.no_cache:  # the variable, so a child process the service starts reads alike
        os.environ[DISABLE_VARIABLE] = "1"
    use_app_dir(args.app_dir)
    container = Container(overrides=overrides)
    if args.command == "run":
        return _run(args, container)
    try:
        if args.command == "schema":
            from wirework.cli.schema import schema_text  # imports pydantic: only here

            _print(schema_text(args.config, dict(args.params)))
            return 0
        container.read_config_from_file(None, args.config, dict(args.params))
        _print_graph(args, container.check())
        return 0
    except (WireworkError, ExceptionGroup) as exc:
        _report(exc, container, debug=args.debug)
        return 1


def use_app_dir(app_dir: str) -> None:
    """Make the application's modules importable without letting them replace any other.

    The directory goes last on ``sys.path``, not first. Drivers (psycopg, redis-py)
    are imported only when a store opens, so with the application's directory first
    a ``psycopg.py`` or ``redis.py`` there would be imported in their place; last,
    the standard library and every installed package win over a module of the same
    name, and a ``type:`` naming such a module fails with the file that was found
    instead. The working directory that ``python -m`` puts first is moved too, so
    ``python -m wirework`` and the ``wirework`` script import alike.
    """
    path = os.path.abspath(app_dir)
    cwd = os.getcwd()
    launched_with_m = bool(sys.path) and sys.path[0] == cwd and not sys.flags.safe_path
    sys.path[:] = [
        entry
        for position, entry in enumerate(sys.path)
        if os.path.abspath(entry or ".") != path and not (launched_with_m and position == 0)
    ]
    sys.path.append(path)


def _print_graph(args: argparse.Namespace, graph: Graph) -> None:
    """The output of ``check`` and ``graph``."""
    text = graph.render(getattr(args, "format", "text"))
    if args.command == "check":
        count = len(graph.nodes)
        plural = "" if count == 1 else "s"
        text = f"{args.config}: OK, {count} component{plural}, in open order:\n{text}"
    _print(text)


def _print(text: str) -> None:
    """A command's output on stdout; a reader that stops early ends it quietly."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # Python would report the pipe again when it flushes at exit: point stdout
        # at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _report(
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
        text = f"wirework: {prefix}{_describe(exc, separator)}\n"
    secrets = {secret for spec in container.config for secret in secret_values(spec.config)}
    sys.stderr.write(redact(text, secrets))


def _describe(exc: BaseException, separator: str = "\n") -> str:
    """The message, its notes (what was rolled back) and, for a group, each error."""
    lines = [str(exc), *getattr(exc, "__notes__", [])]
    if isinstance(exc, BaseExceptionGroup):
        lines = [exc.message, *(f"  - {_describe(e)}" for e in exc.exceptions)]
    return separator.join(lines)


def _run(args: argparse.Namespace, container: Container) -> int:
    interruption = Interruption()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        # No lock may be taken here (the main thread may hold it): the interruption
        # only sets a field, and the second signal writes with os.write and leaves.
        if interruption.requested:
            left = ", ".join(node.label for node in reversed(container.open_order)) or "none"
            os.write(2, f"wirework: second signal: exiting now; left unclosed: {left}\n".encode())
            os._exit(1)
        interruption.request(signum, frame)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        container.read_config_from_file(None, args.config, dict(args.params))
        container.open(None, interruption=interruption)
        unlogged = not container.references.get_optional("*:logger:*:*:*")
        if unlogged:
            count = len(container.components)
            print(
                f"wirework: container {container.info.name} started ({count} "
                f"component{'' if count == 1 else 's'}, no logger); stop it with Ctrl-C",
                file=sys.stderr,
                flush=True,
            )
        container.logger.info(container.info.name, "press Ctrl-C to stop")
        while not interruption.requested:
            time.sleep(0.1)
        container.logger.info(container.info.name, "stopping on signal")
        container.close(container.info.name)
        if unlogged:
            print(f"wirework: container {container.info.name} stopped", file=sys.stderr)
        return 0
    except Interrupted as exc:
        _report(exc, container, separator="; ")
        return 128 + exc.signum
    except (WireworkError, ExceptionGroup) as exc:
        _report(exc, container, debug=args.debug)
        try:
            container.close(None)
        except (WireworkError, ExceptionGroup) as late:
            _report(late, container, debug=args.debug, prefix="while closing: ")
        return 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    raise SystemExit(main())
