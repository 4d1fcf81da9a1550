"""What only the in-memory entity store and the client base promise."""

from __future__ import annotations

import pytest

from wirework.config import ConfigParams
from wirework.errors import ConfigError, InvalidStateError
from wirework.state.entity import EntityStoreClient, MemoryEntityStore


class _FakeClient(EntityStoreClient):
    def connect(self) -> None:
        self._connection = object()

    def ping(self) -> str:
        self._require_connection("ping")
        return "pong"


def test_the_base_client_needs_a_connect_implementation() -> None:
    client = EntityStoreClient("x://y")
    assert client.connection_string == "x://y"
    with pytest.raises(
        NotImplementedError, match=r"^EntityStoreClient must implement connect\(\)$"
    ):
        client.connect()
    with pytest.raises(NotImplementedError), client:
        pass


def test_the_guard_names_the_class_and_the_operation() -> None:
    client = _FakeClient()
    message = (
        r"^_FakeClient: not connected: call connect\(\) \(or use 'with store:'\) "
        r"before ping\(\)$"
    )
    with pytest.raises(InvalidStateError, match=message):
        client.ping()
    with client:
        assert client.ping() == "pong"
    assert client.is_connected is False


def test_the_context_manager_disconnects_when_the_body_raises() -> None:
    client = _FakeClient()
    with pytest.raises(KeyError), client:
        raise KeyError("boom")
    assert client.is_connected is False


def test_configure_takes_the_connection_uri() -> None:
    client = _FakeClient("first://")
    client.configure(ConfigParams({"options.other": 1}))
    assert client.connection_string == "first://"
    client.configure(ConfigParams({"connection.uri": "second://host/db"}))
    assert client.connection_string == "second://host/db"


@pytest.mark.parametrize("uri", [None, "", "memory://", "memory://orders"])
def test_the_memory_store_accepts_no_uri_or_a_memory_uri(uri: str | None) -> None:
    store = MemoryEntityStore(uri)
    store.configure(ConfigParams({"connection.uri": uri} if uri is not None else {}))
    with store:
        store.set_state("e", "s")
        assert store.get_state("e") == "s"


def test_the_memory_store_refuses_another_backends_uri() -> None:
    message = (
        r"^MemoryEntityStore: the in-memory entity store takes no connection string or one "
        r"starting with 'memory://', got scheme 'sqlite'"
    )
    with pytest.raises(ConfigError, match=message):
        MemoryEntityStore("sqlite:///state.db")
    configured = r"connection.uri: must start with memory://, got scheme 'sqlite'"
    with pytest.raises(ConfigError, match=configured):
        MemoryEntityStore().configure(ConfigParams({"connection.uri": "sqlite:///state.db"}))


def test_metadata_other_than_context_is_merged_and_kept_apart() -> None:
    with MemoryEntityStore() as store:
        assert store.get_metadata("o") == {}
        store.set_state("o", "a", metadata={"machine": "order", "context": {"qty": 1}})
        store.set_state("o", "b", metadata={"actor": "bob"})
        store.set_state("o", "c")
        assert store.get_metadata("o") == {"machine": "order", "actor": "bob"}
        assert store.get_context("o") == {"qty": 1}
        store.get_metadata("o")["machine"] = "changed"
        assert store.get_metadata("o")["machine"] == "order"
        store.delete_entity("o")
        assert store.get_metadata("o") == {}


def test_get_metadata_is_guarded_too() -> None:
    with pytest.raises(InvalidStateError, match=r"before get_metadata\(\)"):
        MemoryEntityStore().get_metadata("o")


def test_two_stores_do_not_share_data() -> None:
    with MemoryEntityStore() as first, MemoryEntityStore() as second:
        first.set_state("e", "s")
        assert second.get_state("e") is None
