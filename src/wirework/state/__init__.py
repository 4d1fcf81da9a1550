"""State stores: key-value (Pip.Services' ``IStateStore``) and entity state, memory first.

Every backend of a family passes the same conformance suite, so a configuration can
swap memory for SQLite, Redis or PostgreSQL without the code noticing.
"""

from wirework.state.clock import Clock, ManualClock
from wirework.state.memory import MemoryStateStore
from wirework.state.null import NullStateStore
from wirework.state.protocol import IStateStore, IVersionedStateStore, StateValue

__all__ = [
    "Clock",
    "IStateStore",
    "IVersionedStateStore",
    "ManualClock",
    "MemoryStateStore",
    "NullStateStore",
    "StateValue",
]
