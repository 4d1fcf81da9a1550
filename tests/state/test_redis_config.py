"""The Redis stores' configuration, checked without a server: bad keys are named,
secrets never shown, and redis-py is imported only when a Redis store is opened.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from wirework.config import ConfigParams
from wirework.errors import ConfigError
from wirework.state import RedisStateStore
from wirework.state.entity import RedisEntityStore


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"connection.uri": "postgresql://app:hunter2@db/app"},
            r"connection.uri: must start with redis://, rediss:// or unix://, got scheme "
            r"'postgresql'",
        ),
        (
            {"connection.database": "app"},
            r"connection.database: expected a whole number >= 0, got 'app'",
        ),
        ({"options.key_prefix": ""}, r"options.key_prefix must be a non-empty string"),
        (
            {"options.connect_timeout": 0},
            r"options.connect_timeout: expected a whole number of milliseconds >= 1, got 0",
        ),
        (
            {"options.max_connections": 0},
            r"options.max_connections: expected a whole number >= 1, got 0",
        ),
        (
            {"options.max_connections": True},
            r"options.max_connections: expected a whole number >= 1, got true \(a boolean\)",
        ),
        (
            {"options.max_connections": float("inf")},
            r"options.max_connections: expected a whole number >= 1, got inf \(a number\)",
        ),
    ],
)
def test_bad_configuration_is_a_config_error(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        RedisStateStore().configure(ConfigParams(config))
    assert "hunter2" not in str(info.value)
    assert str(info.value).startswith("1 problem in the config of RedisStateStore:")


def test_the_entity_store_refuses_a_connection_string_for_another_backend() -> None:
    with pytest.raises(ConfigError, match=r"got scheme 'sqlite'"):
        RedisEntityStore("sqlite:///x.db")


def test_secrets_are_not_in_repr() -> None:
    store = RedisStateStore()
    store.configure(
        ConfigParams(
            {
                "connection.uri": "redis://app:hunter2@cache.local:6380/2",
                "credential.password": "hunter3",
            }
        )
    )
    entity = RedisEntityStore("rediss://app:hunter2@cache.local:6380/2")
    assert repr(store) == (
        "RedisStateStore(address='cache.local:6380', key_prefix='wirework:state:', open=False)"
    )
    assert repr(entity) == (
        "RedisEntityStore(address='cache.local:6380', key_prefix='wirework:entity:', "
        "connected=False)"
    )


def test_redis_py_is_imported_only_when_a_store_opens() -> None:
    code = (
        "import sys\n"
        "from wirework.config import ConfigParams\n"
        "from wirework.container import Container\n"
        "from wirework.state import RedisStateStore\n"
        "from wirework.state.entity import RedisEntityStore as Entity\n"
        "RedisStateStore().configure(ConfigParams({'options.key_prefix': 'p:'}))\n"
        "Entity('redis://127.0.0.1:1/0')\n"
        "print('redis' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
