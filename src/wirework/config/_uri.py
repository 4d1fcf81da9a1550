"""Reading connection strings by their own structure, even when a parser would refuse them.

``connection.uri`` holds a URL (``scheme://user:password@host:port/path?query``) or a
libpq ``key=value`` string. Either may carry a password, and a malformed one makes a
standard parser quote it back: urllib says "Port could not be cast to integer value
as 'hunter2'" when the password holds an unencoded ``/``. So redaction and messages
never depend on a parser accepting the string: these helpers find the userinfo and
the ``key=value`` pairs by scanning, and :func:`check_url` refuses a malformed URL
with wirework's own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import SplitResult, unquote, urlsplit

# Each pattern starts only where a word starts and never backtracks into what it
# matched (possessive quantifiers), so scanning hostile text stays linear.
_SCHEME = re.compile(r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*+://")
_PAIR = re.compile(
    r"(?<![\w.-])(?P<key>[A-Za-z_][\w.-]*+)[ \t]*+=[ \t]*+"
    r"(?P<value>'(?:[^'\\]|\\.)*+'?|[^\s']*+)"
)
_TOKEN_END = re.compile(r"[\s'\"<>]")


def is_url(text: str) -> bool:
    return _SCHEME.match(text) is not None


def scheme_of(text: str) -> str:
    """The scheme of a URL, safe to show; ``(none)`` for anything else, which may be
    anything at all, a password pasted in the wrong place included."""
    return text.partition("://")[0] if is_url(text) else "(none)"


@dataclass(frozen=True, slots=True)
class Userinfo:
    """Where the userinfo of a URL sits in its text: ``user`` is ``text[start:colon]``
    (or up to ``end`` without a colon), the password ``text[colon + 1:end]``, and
    ``text[end]`` is the ``@``."""

    start: int
    colon: int | None
    end: int

    def password(self, text: str) -> str | None:
        return None if self.colon is None else text[self.colon + 1 : self.end]


def find_userinfo(text: str, start: int = 0, stop: int | None = None) -> Userinfo | None:
    """The userinfo of the URL at ``text[start:stop]`` (``scheme://`` at ``start``).

    It runs to the *last* ``@``: an unencoded ``@``, ``/``, ``?`` or ``#`` in a
    password is a common mistake, and cutting at the first one would leave the rest
    of the password in view.
    """
    match = _SCHEME.match(text, start)
    if match is None:
        return None
    stop = len(text) if stop is None else stop
    at = text.rfind("@", match.end(), stop)
    if at < 0:
        return None
    colon = text.find(":", match.end(), at)
    return Userinfo(match.end(), colon if colon >= 0 else None, at)


def urls_in(text: str) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of each URL-looking token in free text."""
    for match in _SCHEME.finditer(text):
        end = _TOKEN_END.search(text, match.end())
        yield match.start(), end.start() if end else len(text)


@dataclass(frozen=True, slots=True)
class Pair:
    """One ``key=value`` of a libpq string or a URL query; ``value`` is as written."""

    key: str
    value: str
    start: int  # where the value starts in the text
    end: int


def conninfo_pairs(text: str) -> Iterator[Pair]:
    """The ``key=value`` pairs of a libpq connection string (or of any free text)."""
    for match in _PAIR.finditer(text):
        yield Pair(match["key"], match["value"], match.start("value"), match.end("value"))


def conninfo(text: str) -> dict[str, str]:
    """A libpq connection string as a map, values without their quotes."""
    return {pair.key: pair.value.strip("'") for pair in conninfo_pairs(text)}


def query_pairs(text: str, start: int, stop: int) -> Iterator[Pair]:
    """The ``key=value`` pairs of the query in ``text[start:stop]`` (a URL), if any."""
    mark = text.find("?", start, stop)
    if mark < 0:
        return
    end = text.find("#", mark, stop)
    end = stop if end < 0 else end
    position = mark + 1
    for chunk in text[mark + 1 : end].split("&"):
        key, sep, _value = chunk.partition("=")
        if sep:
            value_start = position + len(key) + 1
            yield Pair(unquote(key), chunk[len(key) + 1 :], value_start, position + len(chunk))
        position += len(chunk) + 1


def check_url(uri: str) -> SplitResult:
    """``uri`` split, with its port read; ``ValueError`` with a message that quotes
    nothing of the URI when it is malformed."""
    userinfo = find_userinfo(uri)
    if userinfo is not None:
        head = uri[userinfo.start : userinfo.end]
        if any(c in head for c in "/?#@"):
            raise ValueError(
                "an '@' follows a '/', '?', '#' or another '@': a password must have "
                "these percent-encoded ('/' as %2F, '?' as %3F, '#' as %23, '@' as %40)"
            )
    try:
        parts = urlsplit(uri)
    except ValueError:
        raise ValueError("it cannot be parsed as a URL") from None
    try:
        parts.port  # noqa: B018 - reading it validates it
    except ValueError:
        raise ValueError("its port is not a number from 0 to 65535") from None
    return parts
