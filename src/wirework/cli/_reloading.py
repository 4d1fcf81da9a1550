"""Reloading a running service on request: SIGHUP, or ``--watch`` seeing the file saved.

A signal handler may run anywhere in the main thread, even while it holds a lock, so
the handler (and the watcher's thread, alike) only raises a flag; the main loop does
the reload, one at a time, and a request made during one is served after it. What a
reload did is logged by the container through the service's own logger; a refusal or
a failure is logged here as an error, with its notes (which say what still runs), on
stderr when the config has no logger. The running and the new config's secrets are
both masked: the message may quote either.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from wirework.cli._output import describe
from wirework.config._secrets import redact, secrets_of
from wirework.container import Container
from wirework.errors import WireworkError


class ReloadRequests:
    """Whether a reload was asked for since the main loop last looked."""

    def __init__(self) -> None:
        self.pending = False

    def request(self) -> None:
        self.pending = True


def unlogged(container: Container) -> bool:
    """Whether the running config declares no logger (the command then uses stderr)."""
    return not container.references.get_optional("*:logger:*:*:*")


def reload_service(container: Container, args: argparse.Namespace) -> None:
    """Reload, and say how it went; the service runs on whatever happens."""
    try:
        report = container.reload(container.info.name)
    except (WireworkError, ExceptionGroup) as exc:
        say(container, f"reload failed: {describe(exc, '; ')}", args)
        return
    for failure in report.failures:
        say(container, f"while reloading: {failure}", args)
    if unlogged(container):
        print(f"wirework: container {container.info.name} reloaded: {report}", file=sys.stderr)


def say(container: Container, text: str, args: argparse.Namespace) -> None:
    """``text`` as an error through the service's logger (stderr without one), every
    secret of the running and of the new config masked."""
    from wirework.config._loader import load_config  # for the new config's secrets

    secrets = secrets_of(spec.config for spec in container.config)
    with contextlib.suppress(WireworkError):  # a file that does not load has none to add
        secrets |= secrets_of(spec.config for spec in load_config(args.config, dict(args.params)))
    text = redact(text, secrets)
    if unlogged(container):
        print(f"wirework: {text}", file=sys.stderr, flush=True)
    else:
        container.logger.error(container.info.name, None, "%s", text)
