"""Transitional path: ``wirework.container.defaults`` names ``PostgresStateStore`` here.

The class lives in :mod:`wirework.state._postgres` and is public as
``wirework.state.PostgresStateStore``; this module goes once the built-in
registrations name that instead.
"""

from wirework.state._postgres import PostgresStateStore as PostgresStateStore
