"""Every statement of every SQL component is spelled by its dialect, so a new database
(MySQL) is a new dialect and engine, nothing in the components."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from wirework.persistence.sql._statements import Statements, order_by, where
from wirework.sql import POSTGRES, SQLITE, Dialect
from wirework.sql._sqlite import SqliteDialect
from wirework.state._sql_core import KvStatements
from wirework.state.entity._sql_core import EntityStatements


class Backquoted(SqliteDialect):
    """A dialect that spells identifiers, placeholders and clauses its own way."""

    placeholder = "%s"
    key_type = "VARBINARY(1024)"
    keyed_table = " ENGINE=InnoDB"

    def quote(self, name: str) -> str:
        return f"`{name}`"

    def upsert(self, key: str, updates: str, where: str = "") -> str:
        return f"AS excluded ON DUPLICATE KEY UPDATE {updates}"

    def insert_or_skip(self, key: str) -> str:
        return "ON DUPLICATE KEY UPDATE entity_id = entity_id"


def statements_of(dialect: Dialect, table: str) -> list[str]:
    """Every statement the three families build for ``table``."""
    persistence = Statements.build(dialect, table)
    values: list[Any] = [
        *vars(KvStatements(dialect, table)).values(),
        *vars(EntityStatements(dialect, table)).values(),
        *(getattr(persistence, field.name) for field in dataclasses.fields(persistence)),
    ]
    found: list[str] = []
    for value in values:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            found.extend(value.values())
        else:
            found.extend(value)
    return found


def test_no_statement_bypasses_the_dialect() -> None:
    table = "orders"
    found = statements_of(Backquoted(), table)
    assert len(found) > 40
    for statement in found:
        assert '"' not in statement, statement  # identifiers are the dialect's quoting
        assert "?" not in statement, statement  # placeholders are the dialect's
        assert "ON CONFLICT" not in statement, statement
    assert any("`orders`" in statement for statement in found)
    assert any("ON DUPLICATE KEY UPDATE" in statement for statement in found)


@pytest.mark.parametrize(
    ("dialect", "counter"),
    [(SQLITE, {"orders$version", "orders$deleted"}), (POSTGRES, {"orders$version"})],
    ids=["sqlite", "postgres"],
)
def test_each_statement_names_only_its_own_table_and_objects(
    dialect: Dialect, counter: set[str]
) -> None:
    names: set[str] = set()
    for statement in statements_of(dialect, "orders"):
        names.update(re.findall(r'"([^"]+)"', statement))
    names.discard("C")  # COLLATE "C"
    assert names == {"orders", "orders$expires_at", "orders$state", *counter}


@pytest.mark.parametrize("dialect", [SQLITE, POSTGRES], ids=["sqlite", "postgres"])
def test_filter_and_sort_parameters_match_their_placeholders(dialect: Dialect) -> None:
    condition, params = where(dialect, {"a.b": 1, "c": [1, "x", None, True], "d": []}, "C")
    order, more = order_by(dialect, "-a.b", "C")
    assert f"{condition} {order}".count(dialect.placeholder) == len(params) + len(more)
