"""Data types shared by persistence components and their callers: paging, filters,
sorting, partial-update maps, ids."""

from wirework.data._any_value_map import AnyValueMap
from wirework.data._filter import FilterParams
from wirework.data._id_generator import IdGenerator
from wirework.data._identifiable import IIdentifiable, IStringIdentifiable
from wirework.data._paging import DataPage, PagingParams
from wirework.data._sort import SortField, SortParams

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
