"""The probe server on its own, fed reports built by hand: answers, refusals, hostile
clients, and the port it takes and gives back."""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from wirework.cli import _probes
from wirework.cli._probes import ProbeServer, serve_probes
from wirework.container._health import ComponentHealth, HealthReport
from wirework.errors import ConfigError

SECRET = "hunter2-Secret"
STORE = ComponentHealth("pip-services:state-store:redis:default:1.0", "config.yml:3", "open", True)
LOGGER = ComponentHealth("pip-services:logger:console:default:1.0", "config.yml:1", "open")
READY = HealthReport("ready", (LOGGER, STORE))
DOWN = ComponentHealth(STORE.label, STORE.source, "open", False, "Redis at 127.0.0.1:1 is down")
UNHEALTHY = HealthReport("unhealthy", (LOGGER, DOWN))
STARTING = HealthReport("starting", (LOGGER, ComponentHealth(STORE.label, None, "opening")))
STOPPED = HealthReport("stopped", (ComponentHealth(LOGGER.label, None, "closed"),))


class Reports:
    """A ``report`` callable whose answer a test changes, counting its calls."""

    def __init__(self, report: HealthReport) -> None:
        self.report = report
        self.calls = 0

    def __call__(self) -> HealthReport:
        self.calls += 1
        return self.report


@pytest.fixture
def reports() -> Reports:
    return Reports(READY)


@pytest.fixture
def server(reports: Reports) -> Iterator[ProbeServer]:
    started = serve_probes("127.0.0.1", 0, reports)
    try:
        yield started
    finally:
        started.close()


Answer = tuple[int, dict[str, str], bytes]


def ask(server: ProbeServer, path: str, method: str = "GET") -> Answer:
    host, port = server.address
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def raw(server: ProbeServer, data: bytes) -> bytes:
    """What the server answers to ``data`` sent as is, up to the closed connection."""
    received = b""
    with socket.create_connection(server.address, timeout=5) as sock:
        try:  # the server may answer and hang up before it has read everything
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass  # what it sent before is read by then
    return received


def hung_up(sock: socket.socket) -> bool:
    """Whether the server closed ``sock`` without a word (a reset if it left bytes unread)."""
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True


def status_and_json(answer: bytes) -> tuple[int, Any]:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"\r\nContent-Type: application/json\r\n" in head
    return int(head.split()[1]), json.loads(body)


# -- answers ------------------------------------------------------------------------------------


def test_a_ready_service_passes_both_probes_with_its_report_as_json(server: ProbeServer) -> None:
    for path in ("/healthz", "/readyz"):
        status, headers, body = ask(server, path)
        assert status == 200
        assert headers["Content-Type"] == "application/json"
        assert headers["Cache-Control"] == "no-store"
        assert headers["Server"] == "wirework"
        assert json.loads(body) == READY.to_dict()
        assert json.loads(body)["components"][1] == {
            "component": "pip-services:state-store:redis:default:1.0",
            "source": "config.yml:3",
            "state": "open",
            "healthy": True,
            "detail": None,
        }


@pytest.mark.parametrize(
    ("report", "healthz", "readyz"),
    [(STARTING, 200, 503), (UNHEALTHY, 200, 503), (STOPPED, 503, 503)],
)
def test_each_status_answers_as_liveness_and_readiness_say(
    server: ProbeServer, reports: Reports, report: HealthReport, healthz: int, readyz: int
) -> None:
    reports.report = report
    assert ask(server, "/healthz")[0] == healthz
    status, _, body = ask(server, "/readyz")
    assert status == readyz
    assert json.loads(body) == report.to_dict()


def test_every_answer_comes_from_a_fresh_report(server: ProbeServer, reports: Reports) -> None:
    assert ask(server, "/readyz")[0] == 200
    reports.report = UNHEALTHY
    status, _, body = ask(server, "/readyz")
    assert status == 503
    assert json.loads(body)["components"][1]["detail"] == "Redis at 127.0.0.1:1 is down"
    reports.report = READY
    assert ask(server, "/readyz?verbose=1")[0] == 200
    assert reports.calls == 3


def test_head_answers_like_get_without_a_body(server: ProbeServer, reports: Reports) -> None:
    reports.report = UNHEALTHY
    get_status, get_headers, get_body = ask(server, "/readyz")
    status, headers, body = ask(server, "/readyz", "HEAD")
    assert (status, body) == (get_status, b"")
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Length"] == get_headers["Content-Length"] == str(len(get_body))


def test_other_paths_are_not_found(server: ProbeServer, reports: Reports) -> None:
    for path in ("/", "/health", "/readyz/extra", "/HEALTHZ"):
        status, headers, body = ask(server, path)
        assert status == 404
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body) == {"error": "not found", "probes": ["/healthz", "/readyz"]}
    assert reports.calls == 0


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"])
def test_other_methods_are_not_allowed(server: ProbeServer, reports: Reports, method: str) -> None:
    status, headers, body = ask(server, "/readyz", method)
    assert status == 405
    assert headers["Allow"] == "GET, HEAD"
    assert json.loads(body) == {"error": "method not allowed"}
    assert reports.calls == 0


def test_a_report_that_raises_is_a_503_with_its_message_and_no_secret(
    capfd: pytest.CaptureFixture[str],
) -> None:
    def broken() -> HealthReport:
        raise RuntimeError(f"cannot reach redis://app:{SECRET}@cache:6379/0 nor {SECRET}")

    server = serve_probes("127.0.0.1", 0, broken, secrets={SECRET})
    try:
        for path in ("/healthz", "/readyz"):
            status, _, body = ask(server, path)
            assert status == 503
            assert json.loads(body) == {
                "status": "unknown",
                "error": "RuntimeError: cannot reach redis://app:***@cache:6379/0 nor ***",
            }
    finally:
        server.close()
    assert capfd.readouterr() == ("", "")


# -- the port -----------------------------------------------------------------------------------


def test_port_0_binds_a_free_port_and_close_gives_it_back(reports: Reports) -> None:
    server = serve_probes("127.0.0.1", 0, reports)
    host, port = server.address
    assert host == "127.0.0.1"
    assert port > 0
    assert server.url == f"http://127.0.0.1:{port}"
    assert ask(server, "/healthz")[0] == 200
    server.close()
    server.close()  # idempotent
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    again = serve_probes("127.0.0.1", port, reports)  # the same port, free again
    try:
        assert ask(again, "/readyz")[0] == 200
    finally:
        again.close()


def test_a_port_in_use_is_a_config_error_naming_it(server: ProbeServer, reports: Reports) -> None:
    port = server.address[1]
    with pytest.raises(ConfigError) as info:
        serve_probes("127.0.0.1", port, reports)
    assert str(info.value) == (
        f"cannot serve the health probes on 127.0.0.1:{port}: the address is already in use"
        "\n  hint: pick another port with --health-port"
    )
    assert isinstance(info.value.__cause__, OSError)
    assert ask(server, "/readyz")[0] == 200  # the first server is untouched


def test_a_host_that_is_not_there_is_a_config_error(reports: Reports) -> None:
    with pytest.raises(ConfigError, match=r"^cannot serve the health probes on 192\.0\.2\.1:0: "):
        serve_probes("192.0.2.1", 0, reports)  # TEST-NET-1: never an address of this machine


def test_ipv6_loopback(reports: Reports) -> None:
    try:
        socket.socket(socket.AF_INET6).bind(("::1", 0))
    except OSError as exc:
        pytest.skip(f"this machine has no IPv6 loopback: {exc}")
    server = serve_probes("::1", 0, reports)
    try:
        assert server.url == f"http://[::1]:{server.address[1]}"
        assert ask(server, "/readyz")[0] == 200
    finally:
        server.close()


# -- hostile clients ----------------------------------------------------------------------------


def test_a_client_trickling_its_request_is_cut_off_at_the_deadline_while_others_are_served(
    server: ProbeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_probes, "REQUEST_SECONDS", 0.5)
    with socket.create_connection(server.address, timeout=5) as slow:
        slow.sendall(b"GET /readyz HTTP/1.1\r\n")
        cut_off = threading.Event()

        def trickle() -> None:  # a header byte every 50 ms: never idle long enough to time out
            try:
                while not cut_off.is_set():
                    slow.sendall(b"X")
                    time.sleep(0.05)
            except OSError:
                cut_off.set()

        sender = threading.Thread(target=trickle)
        sender.start()
        try:
            assert ask(server, "/healthz")[0] == 200  # answered meanwhile
            started = time.monotonic()
            assert hung_up(slow)
            assert time.monotonic() - started < 3.0
        finally:
            cut_off.set()
            sender.join()


def test_a_silent_client_does_not_hold_up_others(
    server: ProbeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_probes, "REQUEST_SECONDS", 0.5)
    with socket.create_connection(server.address, timeout=5) as silent:
        assert ask(server, "/readyz")[0] == 200
        assert hung_up(silent)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET /readyz HTTP/1.1\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET /readyz HTTP/1.1\r\n" + b"X-A: b\r\n" * 150 + b"\r\n", 431),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n", 400),
        (b"GET /readyz HTTP/9.9\r\n\r\n", 505),
        (b"GET\r\n\r\n", 400),
    ],
    ids=["long line", "long header", "many headers", "tls hello", "version", "no path"],
)
def test_malformed_requests_get_a_json_error_and_the_server_goes_on(
    server: ProbeServer, request_bytes: bytes, status: int, capfd: pytest.CaptureFixture[str]
) -> None:
    answered, body = status_and_json(raw(server, request_bytes))
    assert answered == status
    assert isinstance(body["error"], str)
    assert ask(server, "/readyz")[0] == 200
    assert capfd.readouterr() == ("", "")


def test_garbage_then_a_hang_up_breaks_nothing(
    server: ProbeServer, capfd: pytest.CaptureFixture[str]
) -> None:
    for junk in (b"", b"\x00\xff" * 1000, bytes(range(256)) * 300):
        raw(server, junk)
    with socket.create_connection(server.address, timeout=5) as rude:
        rude.sendall(b"GET /readyz HTTP/1.1\r\n\r\n")
        rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST
    assert ask(server, "/readyz")[0] == 200
    assert capfd.readouterr() == ("", "")


def test_many_open_connections_do_not_stop_the_answers(server: ProbeServer) -> None:
    idle = [socket.create_connection(server.address, timeout=5) for _ in range(200)]
    try:
        answers: list[int] = []
        askers = [
            threading.Thread(target=lambda: answers.append(ask(server, "/readyz")[0]))
            for _ in range(20)
        ]
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join()
        assert answers == [200] * 20
    finally:
        for sock in idle:
            sock.close()


def test_nothing_is_printed_for_ordinary_requests(
    server: ProbeServer, capfd: pytest.CaptureFixture[str]
) -> None:
    ask(server, "/readyz")
    ask(server, "/nowhere")
    ask(server, "/readyz", "POST")
    assert capfd.readouterr() == ("", "")
