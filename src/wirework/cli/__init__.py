"""The ``wirework`` command: run a service from its config, check it, draw its graph.

``run`` installs its signal handlers before anything opens, so a SIGTERM during
start-up still closes what was opened; a second signal exits at once. A failed start
prints one readable error (the traceback only with ``--debug``) and exits 1.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from types import FrameType

from wirework.container import Container
from wirework.container.graph import FORMATS
from wirework.errors import WireworkError

__all__ = ["main"]

DEFAULT_CONFIG = "./config/config.yml"


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
    parser = argparse.ArgumentParser(prog="wirework", description=__doc__.split("\n")[0])
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
        help="directory put first on sys.path for 'type:' imports (default: .)",
    )
    parser.add_argument("--debug", action="store_true", help="print tracebacks on errors")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sys.path.insert(0, os.path.abspath(args.app_dir))
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "schema":
            from wirework.cli.schema import print_schema  # imports pydantic: only here

            print_schema(args.config, dict(args.params))
            return 0
        container = Container.from_file(args.config, dict(args.params))
        graph = container.check()
        if args.command == "check":
            print(f"{args.config}: OK, {len(graph.nodes)} components, in open order:")
        print(graph.render(getattr(args, "format", "text")))
        return 0
    except WireworkError as exc:
        return _fail(exc, args.debug)


def _fail(exc: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exception(exc)
    else:
        print(f"wirework: {exc}", file=sys.stderr)
    return 1


def _run(args: argparse.Namespace) -> int:
    # The handler only flips a flag: taking a lock there (threading.Event.set) can
    # deadlock when the signal lands while the main thread holds that same lock.
    signals: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if signals:
            os._exit(1)
        signals.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    container = Container()
    try:
        container.read_config_from_file(None, args.config, dict(args.params))
        container.open(None)
        container.logger.info(container.info.name, "press Ctrl-C to stop")
        while not signals:
            time.sleep(0.1)
        container.logger.info(container.info.name, "stopping on signal")
        container.close(container.info.name)
        return 0
    except (WireworkError, ExceptionGroup) as exc:
        _close_quietly(container)
        return _fail(exc, args.debug)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _close_quietly(container: Container) -> None:
    try:
        container.close(None)
    except (WireworkError, ExceptionGroup) as exc:
        print(f"wirework: while closing: {exc}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
