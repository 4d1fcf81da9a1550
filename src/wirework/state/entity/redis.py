"""Transitional path: ``wirework.container.defaults`` names ``RedisEntityStore`` here.

The class lives in :mod:`wirework.state.entity._redis` and is public as
``wirework.state.entity.RedisEntityStore``; this module goes once the built-in
registrations name that instead.
"""

from wirework.state.entity._redis import RedisEntityStore as RedisEntityStore
