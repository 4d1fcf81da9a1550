"""Transitional path: ``wirework.container.defaults`` names ``PostgresEntityStore`` here.

The class lives in :mod:`wirework.state.entity._postgres` and is public as
``wirework.state.entity.PostgresEntityStore``; this module goes once the built-in
registrations name that instead.
"""

from wirework.state.entity._postgres import PostgresEntityStore as PostgresEntityStore
