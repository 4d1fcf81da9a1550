import pytest

from wirework.config import ConfigParams, ConnectionSettings
from wirework.errors import ConfigError
from wirework.lifecycle._retry import retry


def settings(**section: object) -> ConnectionSettings:
    return ConnectionSettings.from_config(ConfigParams.from_value(section), default_port=6379)


def test_host_port_and_credentials() -> None:
    s = settings(
        connection={"host": "db", "port": 5433, "database": "app"},
        credential={"username": "u", "password": "hunter2"},
        options={"connect_timeout": 250, "retries": 1},
    )
    assert (s.host, s.port, s.database, s.username, s.password) == (
        "db",
        5433,
        "app",
        "u",
        "hunter2",
    )
    assert s.connect_timeout == 0.25
    assert s.retries == 1
    assert s.address == "db:5433"
    assert "hunter2" not in repr(s)


def test_uri_gives_the_address_without_the_password() -> None:
    s = settings(connection={"uri": "redis://:hunter2@cache.local:6380/0"})
    assert s.address == "cache.local:6380"
    assert "hunter2" not in repr(s)


def test_defaults() -> None:
    s = settings()
    assert s.address == "127.0.0.1:6379"
    assert (s.connect_timeout, s.retries) == (5.0, 3)


def test_bad_values_are_named() -> None:
    with pytest.raises(ConfigError, match="connection.port must be an integer, got 'abc'"):
        settings(connection={"port": "abc"})
    with pytest.raises(ConfigError, match="options.connect_timeout must be > 0 ms"):
        settings(options={"connect_timeout": 0})


def test_retry_backs_off_then_reraises() -> None:
    calls: list[int] = []
    sleeps: list[float] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("not yet")
        return "up"

    assert retry(flaky, retries=3, retry_on=(ConnectionError,), sleep=sleeps.append) == "up"
    assert sleeps == [0.1, 0.2]

    def down() -> str:
        raise ConnectionError("gone")

    with pytest.raises(ConnectionError, match="gone"):
        retry(down, retries=2, retry_on=(ConnectionError,), sleep=sleeps.append)
    assert sleeps[2:] == [0.1, 0.2]
