"""A user persistence: the generic memory persistence plus the queries this app needs.

Only declarative filters and sorts are used, so swapping the YAML entry for a SQL
backend of the same methods would leave this code unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from wirework.data import DataPage, FilterParams, PagingParams, SortParams
from wirework.persistence import IdentifiableMemoryPersistence


@dataclass
class User:
    id: str | None = None
    name: str = ""
    email: str = ""
    role: str = "member"


class UserMemoryPersistence(IdentifiableMemoryPersistence[User]):
    def get_page_by_role(
        self, correlation_id: str | None, role: str, paging: PagingParams | None = None
    ) -> DataPage[User]:
        """Users with ``role``, by name; at most ``options.max_page_size`` per page."""
        return self.get_page_by_filter(
            correlation_id, FilterParams.from_tuples("role", role), paging, SortParams("name")
        )

    def get_one_by_email(self, correlation_id: str | None, email: str) -> User | None:
        found = self.get_list_by_filter(correlation_id, {"email": email})
        return found[0] if found else None
