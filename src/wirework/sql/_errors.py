"""Driver errors as wirework's, worded once for every SQL component.

A driver's text is not wirework's: it may quote the connection string or a value
holding a password. So it is shown only through :func:`wirework.config._secrets.redact`
with the config's secrets, on one line, and the driver's exception stays the cause
(``raise ... from``) for a debugger, never in the message.
"""

from __future__ import annotations

from collections.abc import Iterable

from wirework.config._secrets import redact
from wirework.errors import BackendError, ConflictError


class DuplicateKeyError(ConflictError):
    """The database refused a row whose key is already stored.

    Raised by the engines instead of a :class:`BackendError`, so an operation that
    means "create" can tell the caller the key exists.
    """


def reason(exc: BaseException, secrets: Iterable[str]) -> str:
    """A driver error's text, on one line, without a secret."""
    return redact(f"{type(exc).__name__}: {exc}", secrets, one_line=True)


def statement_failed(
    op: str, where: str, exc: BaseException, secrets: Iterable[str], component: str, *, lost: bool
) -> BackendError:
    """The error for a statement the database refused, or whose connection broke."""
    if lost:
        return BackendError(
            f"lost the connection to {where} during {op}(): {reason(exc, secrets)}",
            component=component,
            hint="the next call reconnects; a write may or may not have been applied",
        )
    return BackendError(f"{op}() on {where} failed: {reason(exc, secrets)}", component=component)


def unreachable(
    where: str, exc: BaseException, secrets: Iterable[str], component: str, *, attempts: int
) -> BackendError:
    """The error for a database that could not be reached (``attempts`` tries)."""
    tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
    return BackendError(
        f"cannot connect to {where} ({tries}): {reason(exc, secrets)}",
        component=component,
        hint="check that the server runs there and accepts this user",
    )
