"""Transitional path: ``wirework.container.defaults`` names ``SqliteStateStore`` here.

The class lives in :mod:`wirework.state._sqlite` and is public as
``wirework.state.SqliteStateStore``; this module goes once the built-in
registrations name that instead.
"""

from wirework.state._sqlite import SqliteStateStore as SqliteStateStore
