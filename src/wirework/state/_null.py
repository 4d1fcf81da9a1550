"""A store that keeps nothing, for wiring a service whose state is not needed.

It still validates keys and values with the shared rules, so a value that would be
refused by a real store is refused here too, and swapping the null store for a real
one cannot surface a new error. Every key is always absent (version 0), so a
versioned save only succeeds with ``expected_version`` 0 or ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from wirework.config.schema import SchemaRef
from wirework.data._values import canonical, check_key, check_ttl, check_version
from wirework.errors import ConcurrencyError
from wirework.state._protocol import StateValue, bulk_pairs


class NullStateStore:
    """Discards every write; ``pip-services:state-store:null:*:1.0``. No lifecycle needed."""

    config_schema: ClassVar[SchemaRef] = "wirework.state._schema:NullStateStoreConfig"

    def load(self, correlation_id: str | None, key: str) -> Any:
        check_key(key)
        return None

    def load_versioned(self, correlation_id: str | None, key: str) -> tuple[Any, int]:
        check_key(key)
        return None, 0

    def load_bulk(self, correlation_id: str | None, keys: Sequence[str]) -> list[StateValue]:
        return [StateValue(check_key(key), None) for key in keys]

    def save(
        self,
        correlation_id: str | None,
        key: str,
        value: Any,
        *,
        ttl: int | None = None,
        expected_version: int | None = None,
    ) -> Any:
        key = check_key(key)
        if ttl is not None:
            check_ttl(ttl)
        _check_absent(key, expected_version)
        if value is not None:
            canonical(value, key)
        return value

    def save_bulk(
        self,
        correlation_id: str | None,
        values: Mapping[str, Any] | Iterable[StateValue],
        *,
        ttl: int | None = None,
    ) -> None:
        if ttl is not None:
            check_ttl(ttl)
        for raw_key, value in bulk_pairs(values):
            key = check_key(raw_key)
            if value is not None:
                canonical(value, key)

    def delete(
        self, correlation_id: str | None, key: str, *, expected_version: int | None = None
    ) -> Any:
        _check_absent(check_key(key), expected_version)
        return None


def _check_absent(key: str, expected_version: int | None) -> None:
    if expected_version is not None and check_version(expected_version) != 0:
        raise ConcurrencyError(key, expected_version, 0)
