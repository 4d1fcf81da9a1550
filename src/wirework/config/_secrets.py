"""What a secret is in a config, and the one way wirework keeps secrets out of what it prints.

A secret is:

* the value of a *secret key* (:func:`is_secret_key`): any key of a ``credential`` or
  ``credentials`` section except the user's name and public ids (``username``,
  ``user``, ``login``, ``access_id``, ``client_id``); anywhere else, a key whose last
  segment, lowercased and without ``_`` or ``-``, contains ``password``, ``passwd``,
  ``passphrase``, ``secret``, ``token``, ``credential`` or ``authorization``, is
  ``pass`` or ``pwd``, or names a key to something (``api_key``, ``access_key``,
  ``private_key``, ``signing_key``...; ``key_prefix`` or ``sort_key`` stay visible);
* the password in a URL's userinfo, found even when the URL does not parse (the user
  name is not a secret);
* a secret key's value in a libpq ``key=value`` string or a URL query (``password=``).

Reprs and wirework's own messages are redacted by position (:func:`redact_value`,
:func:`redact`). Text that wirework did not write, a driver's error, may quote a
fragment of a secret anywhere, so :func:`secret_values` lists a config's secrets and
:func:`redact` also replaces those exact values in such text.

The scanners of URLs and connection strings (``uri``, with ``urllib.parse``) are
imported by the functions that scan, on first use: every component imports this
module (``ConfigParams`` redacts its repr), few ever print a URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

REDACTED = "***"

_WORDS = ("password", "passwd", "passphrase", "secret", "token", "credential", "authorization")
_LEAVES = frozenset({"pass", "pwd"})
_KEYS_TO = (
    "api",
    "access",
    "private",
    "signing",
    "encryption",
    "master",
    "session",
    "shared",
    "client",
    "auth",
    "account",
    "license",
    "subscription",
)
_SECTIONS = frozenset({"credential", "credentials"})
_NAMES = frozenset({"username", "user", "login", "accessid", "clientid"})
_DEPTH = 20  # nesting shown by redact_value before it stops looking
# 'key': 'value' or "key": 123 as a dict's repr prints them
_QUOTED_PAIR = re.compile(
    r"""(?P<q>['"])(?P<key>[\w.-]++)(?P=q)\s*+:\s*+"""
    r"""(?:(?P<vq>['"])(?P<value>(?:\\.|(?!(?P=vq))[^\\])*+)(?P=vq)|(?P<bare>[^\s,}\]]++))"""
)


@lru_cache(maxsize=4096)
def is_secret_key(key: str) -> bool:
    """Whether ``key`` (a dotted config key) holds a secret; see the module's doc."""
    *sections, leaf = key.lower().split(".")
    word = leaf.replace("_", "").replace("-", "")
    if any(section in _SECTIONS for section in sections):
        return word not in _NAMES
    return (
        word in _LEAVES
        or any(part in word for part in _WORDS)
        or any(word.endswith(owner + "key") for owner in _KEYS_TO)
    )


def redact_value(key: str, value: Any, _depth: int = 0) -> Any:
    """``value`` as it may be shown under ``key``: a secret key's value masked, URLs
    and connection strings without their passwords, nested maps and lists alike."""
    if value is None:
        return None
    if is_secret_key(key):
        return REDACTED
    if isinstance(value, str):
        return redact_uri(value)
    if _depth >= _DEPTH and isinstance(value, Mapping | list | tuple):
        return REDACTED
    if isinstance(value, Mapping):
        return {k: redact_value(f"{key}.{k}", v, _depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value(key, v, _depth + 1) for v in value)
    return value


def redact_uri(text: str) -> str:
    """``text``, a URL or a connection string as a whole, with its secrets masked,
    whether or not it parses."""
    return _mask(text, _spans_in_whole(text))


def redact(text: str, secrets: Iterable[str] = (), *, one_line: bool = False) -> str:
    """Free ``text`` without secrets: the exact ``secrets`` given (longest first) and
    every password or secret pair found by position; ``one_line`` folds whitespace."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _mask(text, _spans_in_text(text))
    return " ".join(text.split()) if one_line else text


def secrets_of(configs: Iterable[Mapping[str, Any]]) -> set[str]:
    """Every secret of several configs (the entries of a file), for one redaction."""
    return {secret for config in configs for secret in secret_values(config)}


def secret_values(config: Mapping[str, Any]) -> frozenset[str]:
    """Every secret ``config`` holds, as written and as a driver would decode it."""
    found: set[str] = set()
    for key, value in config.items():
        if value is None or isinstance(value, bool):
            continue
        if is_secret_key(str(key)):
            found.add(str(value))
        if isinstance(value, str):
            from urllib.parse import unquote

            for start, end in _spans_in_whole(value):
                raw = value[start:end]
                found.update((raw, unquote(raw)))
                if raw.startswith("'"):
                    found.add(re.sub(r"\\(.)", r"\1", raw[1:].removesuffix("'")))
    return frozenset(secret for secret in found if secret.strip())


# -- where the secrets sit in a text ------------------------------------------------------
def _spans_in_whole(text: str) -> Iterator[tuple[int, int]]:
    from wirework.config._uri import is_url

    if is_url(text):
        yield from _spans_in_url(text, 0, len(text))
        return
    at = text.rfind("@")
    colon = text.find(":", 0, at) if at > 0 else -1
    if colon >= 0 and not any(c.isspace() for c in text[:at]):
        yield colon + 1, at  # user:password@host without a scheme
    yield from _secret_pairs(text)


def _spans_in_text(text: str) -> Iterator[tuple[int, int]]:
    from wirework.config._uri import urls_in

    for start, stop in urls_in(text):
        yield from _spans_in_url(text, start, stop)
    yield from _secret_pairs(text)
    for match in _QUOTED_PAIR.finditer(text):
        if is_secret_key(match["key"]):
            group = "value" if match["vq"] else "bare"
            yield match.start(group), match.end(group)


def _spans_in_url(text: str, start: int, stop: int) -> Iterator[tuple[int, int]]:
    from wirework.config._uri import find_userinfo, query_pairs

    userinfo = find_userinfo(text, start, stop)
    if userinfo is not None and userinfo.colon is not None:
        yield userinfo.colon + 1, userinfo.end
    for pair in query_pairs(text, userinfo.end if userinfo else start, stop):
        if is_secret_key(pair.key):
            yield pair.start, pair.end


def _secret_pairs(text: str) -> Iterator[tuple[int, int]]:
    if "=" in text:
        from wirework.config._uri import conninfo_pairs

        for pair in conninfo_pairs(text):
            if is_secret_key(pair.key):
                yield pair.start, pair.end


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span (merged where they overlap) replaced by :data:`REDACTED`."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + REDACTED + text[end:]
    return text
