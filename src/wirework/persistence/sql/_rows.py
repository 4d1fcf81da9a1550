"""Items to the JSON text a SQL row stores, and rows back to items, for both dialects.

Writes are held to the rules every backend shares (``wirework.data._documents``), so a
document PostgreSQL would refuse is refused on SQLite too, before any statement.

Reads cannot be held to anything: a row may have been written by an older version,
another program or a hand. One that cannot be read back is left out of a listing and
logged, once per id while the persistence is open, so one bad row never breaks every
caller's listing; asked for by id, it raises ``UnreadableItemError`` naming the row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from wirework.data._documents import encode_document
from wirework.errors import UnreadableItemError
from wirework.log import CompositeLogger
from wirework.persistence._codec import ItemCodec
from wirework.persistence._items import new_copy
from wirework.sql import Dialect, UnparsedDocument

T = TypeVar("T")

_MAX_REPORTED = 10_000


class Rows(Generic[T]):
    """The item codec of one table, with the dialect's text rules and the bad-row reports."""

    def __init__(self, codec: ItemCodec[T], dialect: Dialect, component: str) -> None:
        self.codec = codec
        self._dialect = dialect
        self._parse = dialect.parser()
        self._component = component
        self._reported: set[str] = set()

    def forget_reports(self) -> None:
        """Report each unreadable row again (called on open)."""
        self._reported = set()

    def prepared(self, item: T) -> tuple[T, str, str]:
        """A copy of ``item`` (with an id generated if it has none), its key and its text."""
        stored, key = new_copy(item, self._component)
        return stored, key, self.text(stored, key)

    def text(self, item: T, key: str) -> str:
        """The JSON text stored for ``item``, held to the rules every backend shares."""
        document = self.codec.encode(item)
        text = encode_document(document, key, "the item with id", self._component)
        return self._dialect.document_text(text)

    def item(self, value: Any, key: str, where: str, done: str = "") -> T:
        """The item of one fetched ``doc``; ``UnreadableItemError`` naming the row if none
        (after saying what was ``done`` with the row anyway, such as deleting it)."""
        try:
            return self._decode(value)
        except UnreadableItemError as exc:
            raise UnreadableItemError(
                f"the item with id {key!r} in {where} {done}{' ' if done else ''}cannot be "
                f"read: {exc.message}",
                component=self._component,
                hint=exc.hint,
            ) from exc

    def items(
        self,
        rows: list[Any],
        projection: tuple[Callable[[Any], Any], bool] | None,
        logger: CompositeLogger,
        correlation_id: str | None,
        where: str,
    ) -> list[Any]:
        """Items from ``(doc, id)`` rows; an unreadable row is left out and reported."""
        items: list[Any] = []
        for document, key in rows:
            try:
                items.append(self._decode(document))
            except UnreadableItemError as exc:
                self._report(logger, correlation_id, key, where, exc)
        if projection is None:
            return items
        project = projection[0]
        return [project(item) for item in items]

    def _decode(self, value: Any) -> T:
        document = value if self._parse is None else self._parse(value)
        if type(document) is UnparsedDocument:
            raise UnreadableItemError(f"its stored JSON cannot be parsed ({document.reason})")
        return self.codec.decode(document)

    def _report(
        self,
        logger: CompositeLogger,
        correlation_id: str | None,
        key: str,
        where: str,
        error: UnreadableItemError,
    ) -> None:
        if key in self._reported:
            return
        if len(self._reported) < _MAX_REPORTED:
            self._reported.add(key)
        logger.error(
            correlation_id,
            None,
            "the item with id %r in %s cannot be read, so reads leave it out: %s",
            key,
            where,
            error.message,
        )
