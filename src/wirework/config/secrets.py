"""Transitional path: ``wirework.cli`` imports ``redact`` and ``secret_values`` from here.

The code lives in :mod:`wirework.config._secrets`;
this module goes once the runtime imports it from there.
"""

from wirework.config._secrets import redact as redact
from wirework.config._secrets import secret_values as secret_values
