"""The Lua of the Redis stores: what every write script of both starts with
(:data:`SHARED_LUA`), and the scripts of the key-value store (:mod:`wirework.state._redis`).

In the key-value store, each key is a Redis hash under its prefix holding the JSON value
(``v``), its version (``n``) and when it expires (``x``, milliseconds on the store's
clock, 0 = never); the store's module says why. Kept apart from the store so that what runs on
the server reads as one piece, and the store as the Python that feeds it.
"""

from __future__ import annotations

from wirework.data._values import MAX_TTL
from wirework.state._redis_link import Script

SHARED_LUA = """
local function is_whole(text)
  return not text or string.match(text, '^%-?%d+$') ~= nil
end
local function next_version(counter, old)
  local version = redis.call('INCR', counter)
  if version <= old then
    version = old + 1
    redis.call('SET', counter, version)
  end
  return version
end
"""
"""Lua that write scripts start with.

``next_version(counter key, the key's stored version)`` is the version a write
gives: the store's counter plus one, so a key deleted and written again never gets
an old version back, and above the key's own version even if the counter was lost
(evicted, or deleted by hand), so a live key's version only grows. It fails only if
the counter holds something other than a whole number, so a script that writes
before calling it first checks ``is_whole(redis.call('GET', counter))`` (absent
counts as whole), as it checks anything else it will later ``INCR``.
"""

# Every script reads and checks everything it needs before its first write, and
# nothing after that write can fail: Redis does not roll a script back, so a script
# that failed half-way would leave a write its caller was told had failed. (A write
# command also passes Redis's memory check once the script has written.)

# KEYS[1] = key; ARGV = now. The value, or nil when absent or expired.
LOAD = Script("""
local r = redis.call('HMGET', KEYS[1], 'v', 'x')
if not r[1] then return false end
local x = tonumber(r[2])
if x > 0 and x <= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) return false end
return r[1]
""")

# KEYS[1] = key; ARGV = now. {value, version}, or {} when absent or expired.
LOAD_VERSIONED = Script("""
local r = redis.call('HMGET', KEYS[1], 'v', 'n', 'x')
if not r[1] then return {} end
local x = tonumber(r[3])
if x > 0 and x <= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) return {} end
return {r[1], tonumber(r[2])}
""")

# KEYS = keys; ARGV = now. One JSON array text: each value, or null, in key order.
# (One reply string parsed by one json.loads is several times cheaper in Python than
# a reply of 1,000 strings parsed one by one; the stored values are JSON already.)
LOAD_MANY = Script("""
local now = tonumber(ARGV[1])
local out, expired = {}, {}
for i, key in ipairs(KEYS) do
  local r = redis.call('HMGET', key, 'v', 'x')
  if not r[1] then
    out[i] = 'null'
  elseif tonumber(r[2]) > 0 and tonumber(r[2]) <= now then
    expired[#expired + 1] = key
    out[i] = 'null'
  else
    out[i] = r[1]
  end
end
if #expired > 0 then redis.call('DEL', unpack(expired)) end
return '[' .. table.concat(out, ',') .. ']'
""")

# KEYS = key, version counter; ARGV = now, expected version (-1 = any), ttl ms
# (0 = never), expires_at, value. The new version, or -(current version) on a conflict.
SAVE = Script(
    SHARED_LUA
    + f"local max_ttl = {MAX_TTL}\n"
    + """
local now, expected = tonumber(ARGV[1]), tonumber(ARGV[2])
local ttl, expires = tonumber(ARGV[3]), tonumber(ARGV[4])
if not (now and expected and ttl and expires and ttl >= 0 and ttl <= max_ttl) then
  return redis.error_reply('ERR wirework: malformed arguments to the save script')
end
local r = redis.call('HMGET', KEYS[1], 'n', 'x')
local stored = tonumber(r[1]) or 0
local x = tonumber(r[2]) or 0
local version = stored
if x > 0 and x <= now then version = 0 end
if expected >= 0 and expected ~= version then return -version end
version = next_version(KEYS[2], stored)
redis.call('HSET', KEYS[1], 'v', ARGV[5], 'n', version, 'x', ARGV[4])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
elseif x > 0 then
  redis.call('PERSIST', KEYS[1])
end
return version
""",
    writes=True,
)

# KEYS = keys..., version counter; ARGV = now, ttl ms, expires_at, then one value per
# key ('' = delete). A key given twice is written twice, in order.
SAVE_MANY = Script(
    SHARED_LUA
    + f"local max_ttl = {MAX_TTL}\n"
    + """
local count, counter = #KEYS - 1, KEYS[#KEYS]
local ttl = tonumber(ARGV[2])
if not (ttl and ttl >= 0 and ttl <= max_ttl and tonumber(ARGV[3]) and #ARGV == count + 3) then
  return redis.error_reply('ERR wirework: malformed arguments to the save_bulk script')
end
if not is_whole(redis.call('GET', counter)) then
  return redis.error_reply('ERR wirework: the version counter is not a number')
end
local stored, timed = {}, {}
for i = 1, count do
  local r = redis.call('HMGET', KEYS[i], 'n', 'x')
  stored[i] = tonumber(r[1]) or 0
  timed[i] = (tonumber(r[2]) or 0) > 0
end
for i = 1, count do
  local key, value = KEYS[i], ARGV[3 + i]
  if value == '' then
    redis.call('DEL', key)
  else
    redis.call('HSET', key, 'v', value, 'n', next_version(counter, stored[i]), 'x', ARGV[3])
    if ttl > 0 then
      redis.call('PEXPIRE', key, ttl)
    elseif timed[i] then
      redis.call('PERSIST', key)
    end
  end
end
return count
""",
    writes=True,
)

# KEYS[1] = key; ARGV = now, expected version (-1 = any).
# {1, version removed (0 if absent), value} or {0, current version} on a conflict.
DELETE = Script(
    """
local now, expected = tonumber(ARGV[1]), tonumber(ARGV[2])
if not (now and expected) then
  return redis.error_reply('ERR wirework: malformed arguments to the delete script')
end
local r = redis.call('HMGET', KEYS[1], 'v', 'n', 'x')
local version = tonumber(r[2]) or 0
local x = tonumber(r[3]) or 0
if version > 0 and x > 0 and x <= now then
  redis.call('DEL', KEYS[1])
  version = 0
end
if expected >= 0 and expected ~= version then return {0, version} end
if version == 0 then return {1, 0} end
redis.call('DEL', KEYS[1])
return {1, version, r[1]}
""",
    writes=True,
)

SCRIPTS = (LOAD, LOAD_VERSIONED, LOAD_MANY, SAVE, SAVE_MANY, DELETE)
