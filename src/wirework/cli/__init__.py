"""The ``wirework`` command: run a service from its config, check it, draw its graph,
print the JSON Schema of config files.

``run`` (``_run``) starts the service and stops it within its budget. A failed start prints
one readable error (the traceback only with ``--debug``) and exits 1. A config without a
logger still gets its start and stop lines, on stderr, so a quiet service does not look
hung. Output cut short by its reader (``wirework graph | head``) ends the command
quietly, with status 0: the reader got what it asked for.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import wirework
from wirework.cli._output import print_out, report
from wirework.cli._run import run_arguments, run_service
from wirework.config._filecache import DISABLE_VARIABLE
from wirework.container import Container
from wirework.container._graph import FORMATS, Graph
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
    run = commands.add_parser(
        "run", parents=[common], help="open the components and run until a signal"
    )
    run_arguments(run)
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
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "health_host", None) is not None and args.health_port is None:
        parser.error("--health-host needs --health-port (the probes are off without it)")
    if args.no_cache:  # the variable, so a child process the service starts reads alike
        os.environ[DISABLE_VARIABLE] = "1"
    use_app_dir(args.app_dir)
    if args.command == "run":
        return run_service(args, overrides)
    container = Container(overrides=overrides)
    try:
        if args.command == "schema":
            from wirework.cli._schema import schema_text  # imports pydantic: only here

            print_out(schema_text(args.config, dict(args.params)))
            return 0
        container.read_config_from_file(None, args.config, dict(args.params))
        _print_graph(args, container.check())
        return 0
    except (WireworkError, ExceptionGroup) as exc:
        report(exc, container, debug=args.debug)
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
    print_out(text)


if __name__ == "__main__":
    raise SystemExit(main())
