"""Transitional path: ``wirework.cli`` imports ``DISABLE_VARIABLE`` from here.

The code lives in :mod:`wirework.config._filecache`;
this module goes once the runtime imports it from there.
"""

from wirework.config._filecache import DISABLE_VARIABLE as DISABLE_VARIABLE
