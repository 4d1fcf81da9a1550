"""Transitional path: ``wirework.container.container`` imports ``load_config`` from here.

The code lives in :mod:`wirework.config._loader`;
this module goes once the runtime imports it from there.
"""

from wirework.config._loader import load_config as load_config
