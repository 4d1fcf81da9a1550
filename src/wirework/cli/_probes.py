"""``/healthz`` and ``/readyz`` over HTTP, for an orchestrator's probes.

The standard library's threaded HTTP server in a daemon thread: a probe asks a few
times a minute for a small JSON document, which needs no framework and no new
dependency. Whatever the service does, the probes keep answering, so each connection
has its own thread and the server guards itself against what reaches a port:

* a client gets :data:`REQUEST_SECONDS` for its whole request, not per byte, so one
  that trickles its headers (slow-loris) cannot hold a thread longer than that;
* request lines and headers are capped by ``http.server`` (64 KiB a line, 100
  headers); what it refuses, garbage included, is answered as JSON, never an HTML
  page, and a connection that fails mid-way is logged at debug, never a traceback;
* a ``report()`` that raises answers 503 with its message, secrets masked: a probe
  that cannot tell is not ready, and the service says why;
* nothing is printed: access lines go to the ``wirework.probes`` logger at debug.
"""

from __future__ import annotations

import errno
import io
import json
import logging
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from wirework.config._secrets import redact
from wirework.container._health import HealthReport
from wirework.errors import ConfigError

REQUEST_SECONDS = 5.0
"""How long a client has to send its whole request (line and headers)."""

_PROBES: dict[str, Callable[[HealthReport], bool]] = {
    "/healthz": lambda report: report.live,
    "/readyz": lambda report: report.ready,
}
_ALLOWED = ("GET", "HEAD")
_log = logging.getLogger("wirework.probes")


def serve_probes(
    host: str,
    port: int,
    report: Callable[[], HealthReport],
    *,
    secrets: Iterable[str] = (),
) -> ProbeServer:
    """Serve the probes on ``host:port`` (``0``: a free port, see :attr:`ProbeServer.address`)
    from a daemon thread, each answer from a fresh ``report()``. ``secrets`` are masked
    in the message of a ``report()`` that raises. A port that cannot be bound is a
    :class:`ConfigError`."""
    try:
        server = _Server((host, port), report, frozenset(secrets))
    except OSError as exc:
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            problem, hint = "the address is already in use", "pick another port with --health-port"
        else:
            problem = exc.strerror or str(exc)
            hint = "check --health-host and --health-port"
        raise ConfigError(
            f"cannot serve the health probes on {where}: {problem}", hint=hint
        ) from exc
    return ProbeServer(server)


class ProbeServer:
    """The running probe server: where it listens, and how to stop it."""

    def __init__(self, server: _Server) -> None:
        self._server = server
        host, port = server.server_address[:2]
        self.address: tuple[str, int] = (str(host), int(port))
        """The host and the port bound (the real one when port 0 was asked)."""
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="wirework-probes",
            daemon=True,
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """``http://host:port``, the host bracketed when it is IPv6."""
        host, port = self.address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def close(self) -> None:
        """Stop serving and free the port; calling it again does nothing. A request in
        flight finishes in its own daemon thread, within :data:`REQUEST_SECONDS`."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __repr__(self) -> str:
        return f"ProbeServer({self.url}, {'closed' if self._closed else 'serving'})"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a burst of probes queues instead of being refused
    allow_reuse_port = False  # another server on the port is an error, never a share

    def __init__(
        self,
        address: tuple[str, int],
        report: Callable[[], HealthReport],
        secrets: frozenset[str],
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.report = report
        self.secrets = secrets
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer's own asks a resolver for the host's full name, which can stall
        # start-up for seconds; the name is only used in CGI variables.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        _log.debug("probe connection from %s failed", client_address, exc_info=True)


class _WithinDeadline(io.RawIOBase):
    """A connection's socket read against one deadline for the whole request."""

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        self._sock = sock
        self._deadline = time.monotonic() + seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took too long")
        self._sock.settimeout(left)
        return self._sock.recv_into(buffer)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    default_request_version = "HTTP/1.0"  # a refused request line still gets headers

    def version_string(self) -> str:
        return "wirework"  # the Server header: no Python version for a stranger to read

    def setup(self) -> None:
        self.connection = self.request
        self.connection.settimeout(REQUEST_SECONDS)  # also bounds writing the answer
        self.rfile = io.BufferedReader(_WithinDeadline(self.connection, REQUEST_SECONDS))
        self.wfile = self.connection.makefile("wb")

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.command in _ALLOWED:
            return True
        self.close_connection = True
        self._answer(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "method not allowed"}, allow=True)
        return False

    def do_GET(self) -> None:
        self._probe()

    def do_HEAD(self) -> None:
        self._probe()

    def _probe(self) -> None:
        path = self.path.partition("?")[0]
        passes = _PROBES.get(path)
        if passes is None:
            self._answer(HTTPStatus.NOT_FOUND, {"error": "not found", "probes": list(_PROBES)})
            return
        try:
            report = self.server.report()
            ready, payload = passes(report), report.to_dict()
        except Exception as exc:  # answered, never raised: a probe that cannot tell fails
            reason = redact(f"{type(exc).__name__}: {exc}", self.server.secrets, one_line=True)
            _log.debug("health report failed: %s", reason)
            self._answer(HTTPStatus.SERVICE_UNAVAILABLE, {"status": "unknown", "error": reason})
            return
        self._answer(HTTPStatus.OK if ready else HTTPStatus.SERVICE_UNAVAILABLE, payload)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What ``http.server`` refuses (a bad request line, headers too long), as JSON."""
        self.close_connection = True
        self._answer(HTTPStatus(code), {"error": HTTPStatus(code).phrase.lower()})

    def _answer(self, status: HTTPStatus, payload: dict[str, Any], *, allow: bool = False) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if allow:
            self.send_header("Allow", ", ".join(_ALLOWED))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, template: str, *args: Any) -> None:
        _log.debug("%s - " + template, self.address_string(), *args)
