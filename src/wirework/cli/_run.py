"""``wirework run``: start a service, keep it running, stop it within its budget.

Signal handlers go in before anything opens and only record the signal (a handler
may run anywhere in the main thread, so it takes no lock). A SIGTERM or SIGINT during
start-up stops it: nothing more opens, opens still running are written off, what
opened closes in reverse, and the process exits with 128 + the signal's number. Once
running, a signal closes everything, each close within its timeout and all within
``--shutdown-timeout`` (25 s by default, under Kubernetes' 30 s grace period), and
exits 0, or 1 naming what was abandoned. A second signal exits at once with 1, naming
what was left unclosed. A config without a logger still gets its start and stop
lines, on stderr, so a quiet service does not look hung.

With ``--health-port``, the probes (``_probes``) are served from before the first open
until after the last close, so an orchestrator sees the start-up ("starting") and the
shutdown ("stopping") as they happen, not a refused connection.

SIGHUP, and with ``--watch`` a saved change of the config file, reload the config
while it runs (``_reloading``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping
from types import FrameType
from typing import Any

from wirework.cli._output import describe, report
from wirework.cli._probes import ProbeServer, serve_probes
from wirework.cli._reloading import ReloadRequests, reload_service, say, unlogged
from wirework.cli._watch import ConfigWatcher
from wirework.config._secrets import secrets_of
from wirework.container import Container, Interrupted, Interruption
from wirework.container._engine import MAX_PARALLEL
from wirework.container._health import HealthReport
from wirework.errors import WireworkError
from wirework.refer import Locator


def _bounded(kind: type[int] | type[float], highest: float) -> Any:
    """An argparse type: a finite number above 0, at most ``highest``."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not 0 < value <= highest:  # NaN fails this too
            raise argparse.ArgumentTypeError(
                f"expected a number above 0 and at most {highest:g}, got {text!r}"
            )
        return value

    return parse


def _port(text: str) -> int:
    """An argparse type: a TCP port, 0 meaning any free one."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return port


def run_arguments(parser: argparse.ArgumentParser) -> None:
    """The options only ``run`` has: how the lifecycle is bounded, where the probes are,
    whether the config is watched."""
    parser.add_argument(
        "--parallel",
        type=_bounded(int, MAX_PARALLEL),
        default=8,
        metavar="N",
        help="how many components may open at once (1: one by one, in config order; default 8)",
    )
    parser.add_argument(
        "--health-port",
        type=_port,
        default=None,
        metavar="PORT",
        help="serve /healthz and /readyz on this port (0: any free one); none unless given",
    )
    parser.add_argument(
        "--health-host",
        default=None,
        metavar="HOST",
        help="the address the health probes listen on (default 127.0.0.1)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="reload the config when its file changes (SIGHUP always reloads it)",
    )
    parser.add_argument(
        "--shutdown-timeout",
        type=_bounded(float, 86_400),
        default=25.0,
        metavar="SECONDS",
        help="the budget for closing everything; what is still closing then is abandoned "
        "(default 25)",
    )


def run_service(args: argparse.Namespace, overrides: Mapping[Locator, Any] | None) -> int:
    container = Container(
        overrides=overrides, parallel=args.parallel, shutdown_timeout=args.shutdown_timeout
    )
    interruption = Interruption()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if interruption.requested:
            left = ", ".join(node.label for node in reversed(container.open_order)) or "none"
            os.write(2, f"wirework: second signal: exiting now; left unclosed: {left}\n".encode())
            os._exit(1)
        interruption.request(signum)

    reloads = ReloadRequests()

    def on_hangup(signum: int, frame: FrameType | None) -> None:
        reloads.pending = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    if hasattr(signal, "SIGHUP"):  # POSIX only
        previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, on_hangup)
    watcher: ConfigWatcher | None = None
    probes: ProbeServer | None = None
    opened = threading.Event()  # set once open has returned or failed
    try:
        if args.watch:  # before the file is read: a save during the start-up is not missed
            watcher = ConfigWatcher(
                args.config,
                reloads.request,
                lambda error: say(container, f"watching {args.config}: {describe(error)}", args),
            )
        container.read_config_from_file(None, args.config, dict(args.params))
        if args.health_port is not None:
            probes = _serve_probes(args, container, opened)
        try:
            container.open(None, interruption=interruption)
        finally:
            opened.set()
        name = container.info.name
        if unlogged(container):
            count = len(container.components)
            print(
                f"wirework: container {name} started ({count} "
                f"component{'' if count == 1 else 's'}, no logger); stop it with Ctrl-C",
                file=sys.stderr,
                flush=True,
            )
        container.logger.info(name, "press Ctrl-C to stop")
        while not interruption.requested:
            if reloads.pending:
                reloads.pending = False
                reload_service(container, args)
            time.sleep(0.1)
        name = container.info.name  # a reload may have renamed it
        container.logger.info(name, "stopping on signal")
        quiet = unlogged(container)
        container.close(name)
        if quiet:
            print(f"wirework: container {name} stopped", file=sys.stderr)
        return 0
    except Interrupted as exc:
        report(exc, container, separator="; ")
        return 128 + (exc.signum or 0)
    except (WireworkError, ExceptionGroup) as exc:
        report(exc, container, debug=args.debug)
        try:
            container.close(None)
        except (WireworkError, ExceptionGroup) as late:
            report(late, container, debug=args.debug, prefix="while closing: ")
        return 1
    finally:
        if watcher is not None:
            watcher.close()
        if probes is not None:
            probes.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _serve_probes(
    args: argparse.Namespace, container: Container, opened: threading.Event
) -> ProbeServer:
    """The probe server, up before anything opens, its address printed (port 0 asks
    for any free one, so a caller learns which from that line)."""

    def health() -> HealthReport:
        found = container.health()
        if found.status == "stopped" and not opened.is_set():
            # The container says "stopped" until its open begins: this is a start-up.
            return HealthReport("starting", found.components)
        return found

    secrets = secrets_of(spec.config for spec in container.config)
    host = args.health_host or "127.0.0.1"
    probes = serve_probes(host, args.health_port, health, secrets=secrets)
    print(f"wirework: health probes on {probes.url}", file=sys.stderr, flush=True)
    return probes
