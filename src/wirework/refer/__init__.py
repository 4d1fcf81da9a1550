"""Component references: the indexed registry, per-component views, named dependencies."""

from wirework.refer._references import IReferences, Locator, References, to_locator
from wirework.refer._resolver import DependencyResolver
from wirework.refer._view import ReferencesView

__all__ = [
    "DependencyResolver",
    "IReferences",
    "Locator",
    "References",
    "ReferencesView",
    "to_locator",
]
