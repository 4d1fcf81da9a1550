"""The container: builds components from config and runs their lifecycle, bounded.

``Container`` is the way in; ``Replacement`` swaps entries for stand-ins in tests;
``HealthReport`` is what ``health()`` answers; ``ReloadReport`` what ``reload()`` did;
``Interrupted`` is what a stopped start-up raises.
"""

from typing import TYPE_CHECKING

from wirework._lazy import lazy_names
from wirework.container._building import BuildError, Replacement
from wirework.container._container import Container
from wirework.container._defaults import BUILT_INS, DefaultFactory
from wirework.container._graph import Graph, Node
from wirework.container._health import ComponentHealth, HealthReport
from wirework.container._info import ContextInfo
from wirework.container._interrupt import Interrupted, Interruption

if TYPE_CHECKING:
    from wirework.container._reload import ReloadReport

__getattr__, __dir__ = lazy_names(__name__, {"ReloadReport": "wirework.container._reload"})

__all__ = [
    "BUILT_INS",
    "BuildError",
    "ComponentHealth",
    "Container",
    "ContextInfo",
    "DefaultFactory",
    "Graph",
    "HealthReport",
    "Interrupted",
    "Interruption",
    "Node",
    "ReloadReport",
    "Replacement",
]
