"""The container: builds components from config and runs their lifecycle in order."""

from wirework.container.container import BuildError, Container, Replacement
from wirework.container.defaults import BUILT_INS, DefaultFactory
from wirework.container.graph import Graph, Node
from wirework.container.info import ContextInfo

__all__ = [
    "BUILT_INS",
    "BuildError",
    "Container",
    "ContextInfo",
    "DefaultFactory",
    "Graph",
    "Node",
    "Replacement",
]
