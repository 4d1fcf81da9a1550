"""Transitional path: ``wirework.container.defaults`` names ``SqliteEntityStore`` here.

The class lives in :mod:`wirework.state.entity._sqlite` and is public as
``wirework.state.entity.SqliteEntityStore``; this module goes once the built-in
registrations name that instead.
"""

from wirework.state.entity._sqlite import SqliteEntityStore as SqliteEntityStore
