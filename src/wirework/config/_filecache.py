"""Where parsed config files are kept between runs, and the rules that keep that sound.

Composing YAML nodes is most of what reading a large config costs, and the same file
is read again at every start, ``check`` and test run. So the loader stores what the
parse gave (before interpolation: see ``entries``) under a key that changes whenever
anything that could change that result does: the file's bytes, the versions of
wirework, PyYAML (and whether libyaml is used) and Python, the stored format, and the
size and time of the modules that parse. A cached file therefore never needs
invalidating: a different file or a different parser is a different key.

The directory is ``$XDG_CACHE_HOME/wirework`` (``~/.cache/wirework`` without it). It
is created private (0700) and used only while it is a real directory (not a symbolic
link), owned by the user running wirework and closed to everyone else: a cached config
holds what the file holds, credentials included, and a directory someone else can
write to could hand wirework a parse of a file it never read. Every stored file
carries its key and a digest of its content, checked before it is used, so a damaged
or truncated file is ignored (and then replaced). Files are written under a fresh
name and renamed into place, so a reader never sees half a file. At most
:data:`MAX_FILES` are kept (the oldest go first) and none larger than
:data:`MAX_BYTES`.

Set ``WIREWORK_NO_CACHE=1`` (or pass ``--no-cache`` to the command) to read every
file afresh and store nothing. Nothing here ever fails a load: a cache that cannot be
used is no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from pathlib import Path

DISABLE_VARIABLE = "WIREWORK_NO_CACHE"
MAX_FILES = 64
MAX_BYTES = 32 * 1024 * 1024
_MAGIC = b"wirework parse cache\n"
_DIGEST = 32
_PREFIX = "config-"
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_PARSERS = ("entries.py", "walk.py", "yamlnodes.py", "scalars.py", "params.py", "filecache.py")
_identity: bytes | None = None


def enabled() -> bool:
    """False when ``WIREWORK_NO_CACHE`` is set to anything but ``""`` or ``"0"``."""
    return os.environ.get(DISABLE_VARIABLE, "") in ("", "0")


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/wirework``, or ``~/.cache/wirework`` (XDG: a relative
    ``XDG_CACHE_HOME`` is ignored)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "wirework"


def key(data: bytes) -> str:
    """The name of ``data``'s parse: a hash of it and of everything the parse depends on."""
    digest = hashlib.blake2b(_parser_identity(), digest_size=_DIGEST)
    digest.update(data)
    return _PREFIX + digest.hexdigest()


def _parser_identity() -> bytes:
    global _identity
    if _identity is None:
        import yaml

        from wirework._version import __version__

        here = Path(__file__).parent
        stamps = [(name, *_stamp(here / name)) for name in _PARSERS]
        parts = (__version__, yaml.__version__, yaml.__with_libyaml__, sys.version, stamps)
        _identity = repr(parts).encode()
    return _identity


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0)
    return (info.st_size, info.st_mtime_ns)


def load(name: str) -> bytes | None:
    """The payload stored under ``name``, if there is an intact one in a safe directory."""
    directory = _open_dir(create=False)
    if directory is None:
        return None
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=directory)
    except OSError:
        return None
    finally:
        os.close(directory)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            return None
        if info.st_size > MAX_BYTES + len(_MAGIC) + 2 * _DIGEST + 64:
            return None
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read()
    except OSError:
        return None
    finally:
        os.close(fd)
    return _unwrap(name, data)


def store(name: str, payload: bytes) -> None:
    """Keep ``payload`` under ``name``: written aside, then renamed into place."""
    if len(payload) > MAX_BYTES:
        return
    directory = _open_dir(create=True)
    if directory is None:
        return
    temporary = f"tmp-{os.urandom(8).hex()}"
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(temporary, flags, 0o600, dir_fd=directory)
        try:
            with os.fdopen(fd, "wb", closefd=False) as file:
                file.write(_wrap(name, payload))
        finally:
            os.close(fd)
        os.replace(temporary, name, src_dir_fd=directory, dst_dir_fd=directory)
        _prune(directory)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=directory)
    finally:
        os.close(directory)


def _wrap(name: str, payload: bytes) -> bytes:
    header = name.encode()
    return _MAGIC + header + _digest(header, payload) + payload


def _unwrap(name: str, data: bytes) -> bytes | None:
    """The payload of a stored file, if it names ``name`` and its digest matches."""
    header = name.encode()
    start = len(_MAGIC) + len(header)
    if not data.startswith(_MAGIC) or data[len(_MAGIC) : start] != header:
        return None
    payload = data[start + _DIGEST :]
    if data[start : start + _DIGEST] != _digest(header, payload):
        return None
    return payload


def _digest(header: bytes, payload: bytes) -> bytes:
    return hashlib.blake2b(header + payload, digest_size=_DIGEST).digest()


def _open_dir(*, create: bool) -> int | None:
    """A descriptor of the cache directory if it is safe to use (see the module doc)."""
    try:
        path = cache_dir()
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                path.mkdir(mode=0o700)
        fd = os.open(path, _OPEN_DIR)
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return None
    try:
        info = os.fstat(fd)
    except OSError:
        os.close(fd)
        return None
    if info.st_uid != os.geteuid() or info.st_mode & 0o077:
        os.close(fd)
        return None
    return fd


def _prune(directory: int) -> None:
    """Drop the oldest files beyond :data:`MAX_FILES`."""
    found = []
    with os.scandir(directory) as entries:
        for entry in entries:
            try:
                found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name))
            except OSError:
                continue
    if len(found) <= MAX_FILES:
        return
    found.sort()
    for _, name in found[: len(found) - MAX_FILES]:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=directory)
