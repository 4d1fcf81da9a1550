"""The persistence contracts, as structural protocols.

A SQL or any other backend satisfies them by having the methods; nothing inherits.
``IIdentifiablePersistence`` is the whole contract the conformance suite checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

from wirework.data._paging import DataPage, PagingParams
from wirework.persistence._query import Filter, Select, Sort

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
T_contra = TypeVar("T_contra", contravariant=True)


@runtime_checkable
class ILoader(Protocol[T_co]):
    """Reads all items from an external store (a file, a table) when a persistence opens."""

    def load(self, correlation_id: str | None) -> Iterable[T_co]: ...


@runtime_checkable
class ISaver(Protocol[T_contra]):
    """Writes all items to an external store, replacing what was there."""

    def save(self, correlation_id: str | None, items: Sequence[T_contra]) -> None: ...


@runtime_checkable
class IGetter(Protocol[T_co]):
    """Reads one item by its id."""

    def get_one_by_id(self, correlation_id: str | None, id: Any) -> T_co | None: ...  # noqa: A002


@runtime_checkable
class IWriter(Protocol[T]):
    """Creates, updates and deletes items by id."""

    def create(self, correlation_id: str | None, item: T) -> T: ...
    def update(self, correlation_id: str | None, item: T) -> T | None: ...
    def delete_by_id(self, correlation_id: str | None, id: Any) -> T | None: ...  # noqa: A002


@runtime_checkable
class ISetter(Protocol[T]):
    """Creates an item or replaces the one with its id."""

    def set(self, correlation_id: str | None, item: T) -> T: ...


@runtime_checkable
class IPartialUpdater(Protocol[T_co]):
    """Changes some fields of an item, leaving the others."""

    def update_partially(
        self,
        correlation_id: str | None,
        id: Any,  # noqa: A002
        data: Any,
    ) -> T_co | None: ...


@runtime_checkable
class IFilteredReader(Protocol):
    """Reads a page of the items a filter keeps, sorted and projected."""

    def get_page_by_filter(
        self,
        correlation_id: str | None,
        filter: Filter,  # noqa: A002
        paging: PagingParams | None,
        sort: Sort = None,
        select: Select = None,
    ) -> DataPage[Any]: ...
    def get_list_by_filter(
        self,
        correlation_id: str | None,
        filter: Filter,  # noqa: A002
        sort: Sort = None,
        select: Select = None,
    ) -> list[Any]: ...
    def get_count_by_filter(self, correlation_id: str | None, filter: Filter) -> int: ...  # noqa: A002


@runtime_checkable
class IIdentifiablePersistence(
    IGetter[T], IWriter[T], ISetter[T], IPartialUpdater[T], IFilteredReader, Protocol[T]
):
    """Everything an identifiable persistence offers, whatever stores the items."""

    def get_list_by_ids(self, correlation_id: str | None, ids: list[Any]) -> list[T]: ...
    def delete_by_ids(self, correlation_id: str | None, ids: list[Any]) -> None: ...
    def delete_by_filter(self, correlation_id: str | None, filter: Filter) -> None: ...  # noqa: A002
    def get_one_random(self, correlation_id: str | None, filter: Filter) -> T | None: ...  # noqa: A002
    def clear(self, correlation_id: str | None) -> None: ...
    def is_open(self) -> bool: ...
    def open(self, correlation_id: str | None) -> None: ...
    def close(self, correlation_id: str | None) -> None: ...
