"""Entity state in Redis: ``wirework:entity-store:redis:*:1.0``.

Same semantics as :class:`~wirework.state.entity._memory.MemoryEntityStore` (the
conformance suite runs on both), shared by every process using the same prefix.
Layout under ``options.key_prefix`` (default ``wirework:entity:``), and why:

* ``e:<id>``: a hash with the state (``s``), version (``n``), context as JSON (``c``)
  and one ``m:<name>`` field per metadata entry, as JSON. Metadata merges field by
  field inside Redis, so a value is never decoded and re-encoded by Lua's cjson
  (which would turn ``[]`` into ``{}`` and round big numbers);
* ``ids``: a sorted set of every id, all with score 0, so Redis keeps them in byte
  order, which for UTF-8 is code-point order, Python's ``sorted`` order. Paging is
  one ``ZRANGE`` by rank, not a scan;
* ``s:<state>``: the same per state, for ``list_entities(state)``;
* ``counts``: state -> number of entities, for ``count_by_state``;
* ``version``: the last version given. Every write takes the next one, so an entity
  deleted and created again never gets an old version back.

Every write is one Lua script, so the version check, the write and the index
updates are atomic across processes; a batch is one script, all or nothing. The
async methods run the sync ones in a worker thread: a call is one round trip, and
one code path keeps both semantics identical.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from wirework.build._drivers import REDIS, Driver
from wirework.config import ConfigParams
from wirework.config.schema import SchemaRef, validated
from wirework.data._values import MAX_PAGE_INDEX, canonical, check_key, check_page, decode, encode
from wirework.errors import ConcurrencyError, UnknownEntityError, UnstorableValueError
from wirework.state._redis_link import (
    ENTITY_PREFIX,
    Script,
    check_prefix,
    check_uri,
    link_for,
    redis_address,
    redis_settings,
)
from wirework.state._redis_scripts import SHARED_LUA
from wirework.state.entity._base import EntityStoreBase, check_state, check_updates, encode_context

if TYPE_CHECKING:
    from wirework.state._schema import RedisEntityStoreConfig

_NAME = "RedisEntityStore"
_COUNTER = "version"  # after the prefix: the last version the store gave

# As in the key-value store, every script reads and checks everything before its
# first write and nothing after it can fail (Redis keeps a failed script's writes):
# reading a key of the wrong type fails there, with nothing written yet.

# KEYS = ids, counts, version counter, entity keys...; ARGV = prefix, expected version
# (-1 = any), context JSON ('' = keep), number of metadata fields M, M field/value
# pairs, then one id/state pair per entity. {1, new versions...} or
# {0, index, current version}.
_WRITE = Script(
    SHARED_LUA
    + """
local ids, counts, counter, prefix = KEYS[1], KEYS[2], KEYS[3], ARGV[1]
local expected, context = tonumber(ARGV[2]), ARGV[3]
local nmeta = tonumber(ARGV[4])
local count = #KEYS - 3
if not (expected and nmeta and #ARGV == 4 + 2 * nmeta + 2 * count) then
  return redis.error_reply('ERR wirework: malformed arguments to the write script')
end
local base = 4 + 2 * nmeta
redis.call('ZCARD', ids)
redis.call('HLEN', counts)
local olds, stored = {}, {}
for i = 1, count do
  local id, state = ARGV[base + 2 * i - 1], ARGV[base + 2 * i]
  local r = redis.call('HMGET', KEYS[3 + i], 's', 'n')
  olds[i], stored[i] = r[1], tonumber(r[2]) or 0
  if expected >= 0 and stored[i] ~= expected then return {0, i, stored[i]} end
  redis.call('ZSCORE', prefix .. 's:' .. state, id)
  if r[1] then redis.call('ZSCORE', prefix .. 's:' .. r[1], id) end
  if not (is_whole(redis.call('HGET', counts, state))
      and is_whole(r[1] and redis.call('HGET', counts, r[1]))) then
    return redis.error_reply('ERR wirework: a count of entities by state is not a number')
  end
end
local out = {1}
for i = 1, count do
  local key = KEYS[3 + i]
  local id, state = ARGV[base + 2 * i - 1], ARGV[base + 2 * i]
  local old = olds[i]
  local version = next_version(counter, stored[i])
  if old ~= state then
    if old then
      redis.call('ZREM', prefix .. 's:' .. old, id)
      if redis.call('HINCRBY', counts, old, -1) <= 0 then redis.call('HDEL', counts, old) end
    else
      redis.call('ZADD', ids, 0, id)
    end
    redis.call('ZADD', prefix .. 's:' .. state, 0, id)
    redis.call('HINCRBY', counts, state, 1)
  end
  redis.call('HSET', key, 's', state, 'n', version)
  if context ~= '' then redis.call('HSET', key, 'c', context) end
  for j = 1, nmeta do redis.call('HSET', key, ARGV[3 + 2 * j], ARGV[4 + 2 * j]) end
  out[i + 1] = version
end
return out
""",
    writes=True,
)

# KEYS = entity, version counter; ARGV = context JSON. The new version, or 0 if there
# is no entity.
_SET_CONTEXT = Script(
    SHARED_LUA
    + """
local r = redis.call('HMGET', KEYS[1], 's', 'n')
if not r[1] then return 0 end
local version = next_version(KEYS[2], tonumber(r[2]) or 0)
redis.call('HSET', KEYS[1], 'c', ARGV[1], 'n', version)
return version
""",
    writes=True,
)

# KEYS = ids, counts, entity; ARGV = prefix, id. 1 if removed, 0 if there was none.
# The version counter is left as it is: it is above every version already.
_DELETE = Script(
    SHARED_LUA
    + """
local state = redis.call('HGET', KEYS[3], 's')
if not state then return 0 end
local index = ARGV[1] .. 's:' .. state
redis.call('ZSCORE', KEYS[1], ARGV[2])
redis.call('ZSCORE', index, ARGV[2])
if not is_whole(redis.call('HGET', KEYS[2], state)) then
  return redis.error_reply('ERR wirework: a count of entities by state is not a number')
end
redis.call('DEL', KEYS[3])
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREM', index, ARGV[2])
if redis.call('HINCRBY', KEYS[2], state, -1) <= 0 then redis.call('HDEL', KEYS[2], state) end
return 1
""",
    writes=True,
)

_SCRIPTS = (_WRITE, _SET_CONTEXT, _DELETE)


class RedisEntityStore(EntityStoreBase):
    """Entity state in Redis; ``connection_string`` is a ``redis://`` (or ``rediss://``,
    ``unix://``) URL, ``None`` meaning ``127.0.0.1:6379``.

    As a component it also reads ``connection.host``/``port``/``database``,
    ``credential.username``/``password``, ``options.connect_timeout`` (ms),
    ``options.retries``, ``options.max_connections`` and ``options.key_prefix``.
    """

    config_schema: ClassVar[SchemaRef] = "wirework.state._schema:RedisEntityStoreConfig"
    drivers: ClassVar[tuple[Driver, ...]] = (REDIS,)

    def __init__(
        self, connection_string: str | None = None, *, key_prefix: str = ENTITY_PREFIX
    ) -> None:
        check_uri(connection_string, _NAME)
        super().__init__(connection_string)
        self._prefix = check_prefix(key_prefix, _NAME)
        self._config = ConfigParams()

    def __repr__(self) -> str:
        address = redis_address(redis_settings(self._full_config(), _NAME))
        return (
            f"RedisEntityStore(address={address!r}, key_prefix={self._prefix!r}, "
            f"connected={self.is_connected})"
        )

    def configure(self, config: ConfigParams) -> None:
        options = cast("RedisEntityStoreConfig", validated(self, config)).options
        link_for(config, _NAME, ())  # refuse a bad URI or option now, not at connect
        if "key_prefix" in options.model_fields_set:
            self._prefix = options.key_prefix
        super().configure(config)
        self._config = config

    def connect(self) -> None:
        if self._connection is not None:
            return
        link = link_for(self._full_config(), _NAME, _SCRIPTS)
        link.open()
        self._connection = link

    def disconnect(self) -> None:
        link = self._connection
        super().disconnect()
        if link is not None:
            link.close()

    def check_health(self, correlation_id: str | None) -> None:
        """Redis answers a PING (``HealthCheckable``); a ``BackendError`` if not."""
        self._require_connection("check_health").ping("check_health")

    # -- EntityStore / ContextEntityStore -----------------------------------------
    def get_state(self, entity_id: str) -> str | None:
        entity_id = check_key(entity_id, "entity id")
        link = self._require_connection("get_state")
        state = link.command("get_state", "HGET", self._entity(entity_id), "s")
        return None if state is None else str(state, "utf-8")

    def get_context(self, entity_id: str) -> dict[str, Any]:
        entity_id = check_key(entity_id, "entity id")
        link = self._require_connection("get_context")
        text = link.command("get_context", "HGET", self._entity(entity_id), "c")
        context: dict[str, Any] = {} if text is None else decode(text)
        return context

    def get_metadata(self, entity_id: str) -> dict[str, Any]:
        """The entity's metadata (without its context); ``{}`` for an unknown entity."""
        entity_id = check_key(entity_id, "entity id")
        link = self._require_connection("get_metadata")
        fields = link.command("get_metadata", "HGETALL", self._entity(entity_id))
        if isinstance(fields, list):  # RESP2 without the client's dict callback
            fields = dict(zip(fields[::2], fields[1::2], strict=True))
        return {
            str(name[2:], "utf-8"): decode(text)
            for name, text in fields.items()
            if name.startswith(b"m:")
        }

    def set_context(self, entity_id: str, context: Mapping[str, Any]) -> None:
        entity_id = check_key(entity_id, "entity id")
        text = encode_context(entity_id, context)
        link = self._require_connection("set_context")
        keys = (self._entity(entity_id), self._prefix + _COUNTER)
        if not link.run("set_context", _SET_CONTEXT, 2, *keys, text):
            raise UnknownEntityError(
                f"entity {entity_id!r} does not exist: give it a state with set_state() "
                "before set_context()",
                component=_NAME,
            )

    # -- VersionedEntityStore ------------------------------------------------------
    def get_state_versioned(self, entity_id: str) -> tuple[str | None, int]:
        entity_id = check_key(entity_id, "entity id")
        link = self._require_connection("get_state_versioned")
        state, version = link.command(
            "get_state_versioned", "HMGET", self._entity(entity_id), "s", "n"
        )
        return (None, 0) if state is None else (str(state, "utf-8"), int(version))

    # -- BatchEntityStore ----------------------------------------------------------
    def get_states_batch(self, entity_ids: Sequence[str]) -> dict[str, str | None]:
        checked = [check_key(entity_id, "entity id") for entity_id in entity_ids]
        link = self._require_connection("get_states_batch")
        if not checked:
            return {}
        calls = [("HGET", self._entity(entity_id), "s") for entity_id in checked]
        states = link.pipeline("get_states_batch", calls)
        return {
            entity_id: None if state is None else str(state, "utf-8")
            for entity_id, state in zip(checked, states, strict=True)
        }

    # -- QueryableEntityStore / DeletableEntityStore --------------------------------
    def list_entities(
        self, state: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[str]:
        """Entity ids in ascending order, optionally only those in ``state``, then paged."""
        if state is not None:
            state = check_state(state)
        limit, offset = check_page(limit, offset)
        link = self._require_connection("list_entities")
        if limit == 0:  # ZRANGE 0 -1 would mean "everything"
            return []
        index = self._prefix + ("ids" if state is None else "s:" + state)
        last = min(offset + limit - 1, MAX_PAGE_INDEX)  # Redis takes no index beyond int64
        ids = link.command("list_entities", "ZRANGE", index, offset, last)
        return [str(entity_id, "utf-8") for entity_id in ids]

    def count_by_state(self) -> dict[str, int]:
        link = self._require_connection("count_by_state")
        counts = link.command("count_by_state", "HGETALL", self._prefix + "counts")
        if isinstance(counts, list):
            counts = dict(zip(counts[::2], counts[1::2], strict=True))
        return {str(state, "utf-8"): int(n) for state, n in counts.items() if int(n) > 0}

    def delete_entity(self, entity_id: str) -> bool:
        """Remove the entity's state, context, metadata and version; ``False`` if unknown."""
        entity_id = check_key(entity_id, "entity id")
        link = self._require_connection("delete_entity")
        keys = (self._prefix + "ids", self._prefix + "counts", self._entity(entity_id))
        return bool(link.run("delete_entity", _DELETE, 3, *keys, self._prefix, entity_id))

    # -- internals ----------------------------------------------------------------
    def _entity(self, entity_id: str) -> str:
        return self._prefix + "e:" + entity_id

    def _full_config(self) -> ConfigParams:
        """The config, with ``connection_string`` as its ``connection.uri``."""
        if self.connection_string is None:
            return self._config
        return self._config.override({"connection.uri": self.connection_string})

    def _write_states(
        self,
        updates: Mapping[str, str],
        metadata: Mapping[str, Any] | None,
        expected_version: int | None,
        operation: str,
    ) -> list[int]:
        checked = check_updates(updates, operation)
        context, fields = _split_metadata(checked[0][0] if checked else "", metadata)
        link = self._require_connection(operation)
        if not checked:
            return []
        prefix = self._prefix
        keys = [
            prefix + "ids",
            prefix + "counts",
            prefix + _COUNTER,
            *(self._entity(eid) for eid, _ in checked),
        ]
        expected = -1 if expected_version is None else expected_version
        args: list[Any] = [prefix, expected, context or "", len(fields) // 2, *fields]
        for pair in checked:
            args.extend(pair)
        reply = link.run(operation, _WRITE, len(keys), *keys, *args)
        if reply[0] == 0:
            raise ConcurrencyError(checked[int(reply[1]) - 1][0], expected, int(reply[2]))
        return [int(version) for version in reply[1:]]


def _split_metadata(
    entity_id: str, metadata: Mapping[str, Any] | None
) -> tuple[str | None, list[str]]:
    """``(context JSON or None, [m:name, JSON, ...])`` from a write's metadata."""
    if metadata is None:
        return None, []
    if not isinstance(metadata, Mapping):
        raise UnstorableValueError(
            f"cannot store the metadata of entity {entity_id!r}: metadata must be a dict "
            f"with str keys, got {type(metadata).__name__}"
        )
    rest = {key: value for key, value in metadata.items() if key != "context"}
    context = encode_context(entity_id, metadata["context"]) if "context" in metadata else None
    plain: dict[str, Any] = canonical(rest, entity_id, "the metadata of entity")
    fields: list[str] = []
    for name, value in plain.items():
        fields += ["m:" + name, encode(value, entity_id, "the metadata of entity")]
    return context, fields
