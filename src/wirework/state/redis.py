"""Transitional path: ``wirework.container.defaults`` names ``RedisStateStore`` here.

The class lives in :mod:`wirework.state._redis` and is public as
``wirework.state.RedisStateStore``; this module goes once the built-in
registrations name that instead.
"""

from wirework.state._redis import RedisStateStore as RedisStateStore
