"""No secret is ever shown: every credential form, through every backend's configure
and open (real server and unreachable port), in every repr, message and traceback.

The same forms go through the ``wirework`` command in ``test_secrets_cli.py``.
"""

from __future__ import annotations

import logging
import time
import traceback
from pathlib import Path

import pytest
from secret_forms import (
    CASES,
    ENV_NAME,
    ENV_VALUE,
    MARK,
    Backend,
    Form,
    entry,
)

from wirework.config import ConfigParams, ConnectionSettings
from wirework.config._secrets import (
    REDACTED,
    is_secret_key,
    redact,
    redact_uri,
    redact_value,
    secret_values,
)
from wirework.container import Container
from wirework.errors import BackendError, ConfigError, WireworkError
from wirework.log import ConsoleLogger, StdlibLogger


# -- what a secret is ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "key",
    [
        "credential.password",
        "credential.pass",
        "credential.access_key",
        "credential.store_key",
        "credentials.token",
        "connections.0.credential.pin",
        "password",
        "options.sslpassword",
        "options.db_passwd",
        "options.passphrase",
        "options.client_secret",
        "options.auth_token",
        "options.refresh-token",
        "options.Authorization",
        "options.pwd",
        "options.api_key",
        "options.apiKey",
        "options.x-api-key",
        "options.private_key",
        "options.signing_key",
        "options.credentials",
    ],
)
def test_secret_keys(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "credential.username",
        "credential.user",
        "credential.login",
        "credential.access_id",
        "credential.client_id",
        "options.key_prefix",
        "options.sort_key",
        "options.key",
        "options.passes",
        "options.timeout",
        "connection.uri",
        "connection.host",
    ],
)
def test_keys_that_are_not_secret(key: str) -> None:
    assert not is_secret_key(key)


# -- redaction by position ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("redis://:pw1@h:6379/0", "redis://:***@h:6379/0"),
        ("redis://u:p/w#x?y@h:6379/0", "redis://u:***@h:6379/0"),
        ("postgresql://u:a@b@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:pw@[h:1/db", "postgresql://u:***@[h:1/db"),
        (
            "postgresql://u@h/db?sslmode=require&password=pw&x=1",
            "postgresql://u@h/db?sslmode=require&password=***&x=1",
        ),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("host=h password=pw dbname=db", "host=h password=*** dbname=db"),
        ("host=h password='p w\\'x' dbname=db", "host=h password=*** dbname=db"),
        ("u:pw@h:5432/db", "u:***@h:5432/db"),
        ("bob@example.com", "bob@example.com"),
        ("sqlite:///data/a.db", "sqlite:///data/a.db"),
        ("", ""),
    ],
)
def test_redact_uri_finds_the_password_whether_or_not_it_parses(uri: str, shown: str) -> None:
    assert redact_uri(uri) == shown


def test_redact_free_text() -> None:
    text = (
        "failed: url redis://u:s3cr/et@h:1/0 and 'password': 'p1' and "
        '{"api_key": 42} and missing "=" after "password=p2" in host=h'
    )
    shown = redact(text)
    for secret in ("s3cr", "et@", "p1", "42", "p2"):
        assert secret not in shown, shown
    assert "redis://u:***@h:1/0" in shown
    assert redact("a xyz b xy", ["xy", "xyz"]) == "a *** b ***"
    assert redact("a\n  b\tc", one_line=True) == "a b c"


def test_secret_values_lists_every_form_as_written_and_decoded() -> None:
    config = ConfigParams(
        {
            "credential.username": "alice",
            "credential.password": "pw1",
            "connection.uri": "postgresql://u:p%2Fw@h/db?password=q%23w",
            "options.dsn": "host=h password='a b'",
            "options.flag": True,
            "options.empty_token": "",
        }
    )
    assert secret_values(config) == {
        "pw1",
        "p%2Fw",
        "p/w",
        "q%23w",
        "q#w",
        "'a b'",
        "a b",
    }


def test_repr_of_config_params_hides_every_secret_even_nested() -> None:
    params = ConfigParams(
        {
            "credential.username": "alice",
            "credential.pass": f"a{MARK}",
            "connection.uri": f"redis://u:b{MARK}/x@h:1/0",
            "options.dsn": f"host=h password=c{MARK}",
            "options.extra": {"token": f"d{MARK}", "list": [{"password": f"e{MARK}"}]},
            "options.none_password": None,
        }
    )
    for shown in (repr(params), str(params), f"{params}"):
        assert MARK not in shown
        assert "alice" in shown  # a user name is not a secret
        assert "'options.none_password': None" in shown
    assert redact_value("credential.password", 123) == REDACTED


def test_a_deep_or_cyclic_value_is_shown_cut_short() -> None:
    cyclic: list[object] = []
    cyclic.append(cyclic)
    assert MARK not in repr(ConfigParams({"options.x": cyclic, "options.token": MARK}))


# -- every form, every backend, every outcome --------------------------------------------------


def everything_shown(error: BaseException) -> list[str]:
    return [str(error), repr(error), "".join(traceback.format_exception(error))]


@pytest.mark.server
@pytest.mark.parametrize("reachable", [True, False], ids=["server", "unreachable"])
@pytest.mark.parametrize(("backend", "form"), CASES, ids=lambda v: v.name)
def test_no_secret_is_shown_by_any_backend(
    backend: Backend,
    form: Form,
    reachable: bool,
    servers: dict[str, str],
    unreachable: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV_NAME, ENV_VALUE)
    path = tmp_path / "config.yml"
    path.write_text(
        entry(backend, form, servers[backend.server], port=None if reachable else unreachable)
    )
    container = Container.from_file(path)
    spec = container.config[0]
    shown = [repr(spec), str(spec.config)]
    try:
        settings = ConnectionSettings.from_config(spec.config)
        shown += [repr(settings), str(settings), settings.address, settings.location]
    except ConfigError as exc:
        shown += everything_shown(exc)

    refused: dict[str, WireworkError] = {}
    try:
        container.check()
    except WireworkError as exc:
        refused["configure"] = exc
    try:
        container.open()
        shown += [repr(node.component) for node in container.components]
        container.close()
    except WireworkError as exc:
        refused["open"] = exc
    for error in refused.values():
        shown += everything_shown(error)

    leaks = [text for text in shown if MARK in text]
    assert not leaks, leaks[0]
    if form.refused_at is not None:
        assert form.refused_at == min(refused, key=["configure", "open"].index)
    elif reachable:
        assert not refused, refused
    else:  # a valid form on a closed port: refused by the server's absence only
        assert list(refused) == ["open"]
        assert isinstance(refused["open"].__cause__, BackendError)


# -- logs ------------------------------------------------------------------------------------
def test_log_lines_never_carry_a_password(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    console = ConsoleLogger()
    console.info(None, "connecting to %s", f"redis://u:a{MARK}/x@h:1/0")
    console.warn(None, f"retrying postgresql://u:b{MARK}@h/db?password=c{MARK}")
    console.error(None, ValueError(f"bad dsn host=h password=d{MARK}"), "open failed")
    stdlib = StdlibLogger()
    with caplog.at_level(logging.DEBUG):
        stdlib.info(None, "dsn %s", {"password": f"e{MARK}"})
    out, err = capsys.readouterr()
    shown = out + err + caplog.text
    assert MARK not in shown
    assert shown.count(REDACTED) == 5


# -- hostile text ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "a" * 200_000,  # one long word that is almost a key=
        "'password': '" + "\\" * 200_000,  # escapes with no closing quote
        "x" * 200_000 + "://",
        "redis://" + "@" * 200_000,
        ("password=" + "p" * 1000 + " ") * 200,
        "'" + "k" * 200_000,
    ],
    ids=["word", "backslashes", "scheme", "ats", "pairs", "quote"],
)
def test_redaction_takes_linear_time_on_hostile_text(text: str) -> None:
    started = time.monotonic()
    redact(text, ["p" * 10])
    redact_uri(text)
    assert time.monotonic() - started < 5  # quadratic or worse would take minutes here


def test_a_connection_string_of_the_wrong_kind_is_named_by_its_scheme_only() -> None:
    """A password pasted into connection.uri is not a URL: nothing of it is shown."""
    from wirework.state import RedisStateStore
    from wirework.state.entity import MemoryEntityStore

    for uri, scheme in ((f"hunter{MARK}", "(none)"), (f"u:p{MARK}@h://x", "(none)")):
        for store in (RedisStateStore(), MemoryEntityStore()):
            with pytest.raises(ConfigError) as info:
                store.configure(ConfigParams({"connection.uri": uri}))
            assert MARK not in str(info.value)
            assert f"got scheme {scheme!r}" in str(info.value)


@pytest.mark.parametrize("key", ["connection.uri", "connection.database"])
@pytest.mark.parametrize(
    ("location", "shown"),
    [
        (f"postgresql://app:p{MARK}@db/app", "got scheme 'postgresql'"),
        (f"sqlite:app:p{MARK}@db/app", "got 'sqlite:***@db/app'"),
    ],
)
def test_a_sqlite_store_given_another_location_shows_no_password(
    key: str, location: str, shown: str
) -> None:
    from wirework.state import SqliteStateStore
    from wirework.state.entity import SqliteEntityStore

    for store in (SqliteStateStore(), SqliteEntityStore()):
        with pytest.raises(ConfigError) as info:
            store.configure(ConfigParams({key: location}))
        assert MARK not in str(info.value)
        assert shown in str(info.value)
