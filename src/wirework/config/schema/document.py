"""Transitional path: ``wirework.cli.schema`` imports ``config_document`` from here.

The code lives in :mod:`wirework.config.schema._document`;
this module goes once the runtime imports it from there.
"""

from wirework.config.schema._document import config_document as config_document
