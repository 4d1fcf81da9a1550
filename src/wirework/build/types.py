"""Transitional path: ``wirework.cli.schema`` imports ``split_type`` from here.

The code lives in :mod:`wirework.build._types` and is public as
``wirework.build.split_type``; this module goes once the command imports it from there.
"""

from wirework.build._types import split_type as split_type
