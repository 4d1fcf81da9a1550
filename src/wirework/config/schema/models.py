"""Transitional path: ``wirework.container.schema`` imports ``ComponentConfig`` from here.

The code lives in :mod:`wirework.config.schema._models`;
this module goes once the runtime imports it from there.
"""

from wirework.config.schema._models import ComponentConfig as ComponentConfig
