"""Data types shared by persistence components and their callers: paging, filters,
sorting, partial-update maps, ids."""

from wirework.data.any_value_map import AnyValueMap
from wirework.data.filter import FilterParams
from wirework.data.id_generator import IdGenerator
from wirework.data.identifiable import IIdentifiable, IStringIdentifiable
from wirework.data.paging import DataPage, PagingParams
from wirework.data.sort import SortField, SortParams

__all__ = [
    "AnyValueMap",
    "DataPage",
    "FilterParams",
    "IIdentifiable",
    "IStringIdentifiable",
    "IdGenerator",
    "PagingParams",
    "SortField",
    "SortParams",
]
