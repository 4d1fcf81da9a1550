"""The parse cache: what it stores, when it is used, and that it is never trusted blindly.

Each test gets its own cache directory (``XDG_CACHE_HOME``). A hit is proven by making
the YAML half of the loader fail: a load that still succeeds was served from the cache.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from wirework.config import ComponentSpec, load_config
from wirework.config import _entries as entries
from wirework.config import _filecache as filecache
from wirework.errors import ConfigError

CONFIG = """\
- descriptor: myapp:thing:default:a:1.0
  options:
    greeting: hello ${WHO:-world}
    port: ${PORT:-8080}
    password: ${SECRET:-x}
- descriptor: myapp:thing:default:b:1.0
  dependencies:
    first: myapp:thing:default:a:1.0
"""


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(filecache.DISABLE_VARIABLE, raising=False)
    for name in ("WHO", "PORT", "SECRET", "NAME"):
        monkeypatch.delenv(name, raising=False)
    return home / "wirework"


def write(tmp_path: Path, text: str = CONFIG, name: str = "svc.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stored(directory: Path) -> list[Path]:
    return sorted(directory.glob("config-*")) if directory.is_dir() else []


def parse_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the YAML half fails: only a cache hit can load a file."""

    def refuse(text: str, filename: str) -> list[entries.RawEntry]:
        raise AssertionError("parsed, not served from the cache")

    monkeypatch.setattr("wirework.config._loader.read_entries", refuse)


def same(first: list[ComponentSpec], second: list[ComponentSpec]) -> None:
    for a, b in zip(first, second, strict=True):
        assert (a.descriptor, a.type, a.config, a.source, a.label) == (
            b.descriptor,
            b.type,
            b.config,
            b.source,
            b.label,
        )
        assert dict(a.lines) == dict(b.lines)


def test_a_second_load_is_served_from_the_cache_and_equal(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path)
    first = load_config(path)
    assert len(stored(cache_home)) == 1
    parse_fails(monkeypatch)
    second = load_config(path)
    same(first, second)
    assert second[0].source_of("options.port") == f"{path}:4"
    assert second[1].lines["dependencies.first"] == 8


def test_markers_resolve_against_the_environment_and_parameters_of_each_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path)
    assert load_config(path)[0].config["options.greeting"] == "hello world"
    parse_fails(monkeypatch)
    monkeypatch.setenv("WHO", "env")
    monkeypatch.setenv("PORT", "9000")
    config = load_config(path)[0].config
    assert (config["options.greeting"], config["options.port"]) == ("hello env", 9000)
    config = load_config(path, {"WHO": "param", "PORT": "x"})[0].config
    assert (config["options.greeting"], config["options.port"]) == ("hello param", "x")


def errors_fresh_and_cached(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The error of loading ``path`` (already cached) parsed afresh, then from the cache."""
    messages = []
    for disabled in ("1", "0"):
        monkeypatch.setenv(filecache.DISABLE_VARIABLE, disabled)
        with pytest.raises(ConfigError) as info:
            load_config(path)
        messages.append(str(info.value))
        parse_fails(monkeypatch)
    return messages


@pytest.mark.parametrize(
    ("text", "later", "said"),
    [
        (
            "- descriptor: myapp:thing:default:a:1.0\n  name: ${NAME}\n",
            None,  # NAME unset
            "myapp:thing:default:a:1.0 ({path}:2): variable ${{NAME}} is not set",
        ),
        ("- descriptor: ${NAME}\n  options: {a: 1}\n", "5", "'descriptor:' must be a string"),
    ],
    ids=["a missing variable", "an entry error after markers"],
)
def test_errors_of_a_cached_file_read_as_when_parsed_with_their_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, later: str | None, said: str
) -> None:
    path = write(tmp_path, text)
    monkeypatch.setenv("NAME", "myapp:thing:default:a:1.0")
    load_config(path)
    if later is None:
        monkeypatch.delenv("NAME")
    else:
        monkeypatch.setenv("NAME", later)
    fresh, cached = errors_fresh_and_cached(path, monkeypatch)
    assert fresh == cached
    assert said.format(path=path) in cached
    assert f"{path}:" in cached


@pytest.mark.parametrize(
    "text",
    [
        "- descriptor: [unclosed\n",
        "- descriptor: a:b:c\n",
        "- descriptor: myapp:thing:default:a:1.0\n  name: ${NAME}\n",
        "- descriptor: myapp:thing:default:a:1.0\n  when: 2001-12-14\n",  # no marshal
    ],
    ids=["bad YAML", "bad descriptor", "missing variable", "a timestamp"],
)
def test_a_file_that_fails_or_cannot_be_marshalled_is_not_stored(
    tmp_path: Path, cache_home: Path, text: str
) -> None:
    path = write(tmp_path, text)
    with contextlib.suppress(ConfigError):
        load_config(path)
    assert stored(cache_home) == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # a flipped bit in the payload
        lambda data: b"",
        lambda data: b"not a cache file at all",
    ],
    ids=["truncated", "flipped bit", "empty", "foreign"],
)
def test_a_damaged_file_is_ignored_and_replaced(
    tmp_path: Path, cache_home: Path, damage: object
) -> None:
    path = write(tmp_path)
    first = load_config(path)
    [cached] = stored(cache_home)
    good = cached.read_bytes()
    cached.write_bytes(damage(good))  # type: ignore[operator]
    same(first, load_config(path))
    assert cached.read_bytes() == good


@pytest.mark.parametrize(
    "payload",
    [
        (1, []),
        (1, [("not", "an", "entry")]),
        (1, [(1, {"k": object.__name__}, ("k",), b"\x00\x01", (), {})]),  # offsets too long
        (1, [(1, {"k": "${X}"}, ("k",), b"\x00", (("other", 1, True),), {})]),
        (1, [(1, {"k": "v"}, ("k",), b"\x00", (), {"descriptor": "not a pair"})]),
        (1, [(1, {"k": ["a", {"b": 1.5j}]}, ("k",), b"\x00", (), {})]),
        (2, []),
        [1, []],
        "a string",
    ],
)
def test_a_payload_of_another_shape_is_ignored_and_replaced(
    tmp_path: Path, cache_home: Path, payload: object
) -> None:
    path = write(tmp_path)
    first = load_config(path)
    name = filecache.key(path.read_bytes())
    filecache.store(name, marshal.dumps(payload))  # intact, with a valid digest
    same(first, load_config(path))
    data = filecache.load(name)
    assert data is not None
    assert entries.load_entries(data) is not None


def test_the_directory_is_private_and_the_files_too(tmp_path: Path, cache_home: Path) -> None:
    load_config(write(tmp_path))
    assert stat.S_IMODE(cache_home.stat().st_mode) == 0o700
    [cached] = stored(cache_home)
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    assert [p.name for p in cache_home.iterdir()] == [cached.name]  # no temporary left


def test_a_symlinked_cache_directory_is_not_used(tmp_path: Path, cache_home: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache_home.parent.mkdir()
    cache_home.symlink_to(elsewhere)
    path = write(tmp_path)
    load_config(path)
    assert list(elsewhere.iterdir()) == []
    assert filecache.load(filecache.key(path.read_bytes())) is None


def test_a_cache_directory_others_may_write_to_is_not_used(
    tmp_path: Path, cache_home: Path
) -> None:
    cache_home.mkdir(parents=True)
    cache_home.chmod(0o777)
    load_config(write(tmp_path))
    assert stored(cache_home) == []
    cache_home.chmod(0o750)  # readable by the group: a config may hold credentials
    load_config(write(tmp_path))
    assert stored(cache_home) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the directory away")
def test_a_cache_directory_of_another_user_is_not_used(tmp_path: Path, cache_home: Path) -> None:
    cache_home.mkdir(parents=True, mode=0o700)
    os.chown(cache_home, 65534, 65534)
    load_config(write(tmp_path))
    assert stored(cache_home) == []


def test_without_a_home_directory_files_load_uncached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    path = write(tmp_path)
    assert len(load_config(path)) == 2
    assert filecache.load(filecache.key(path.read_bytes())) is None


def test_the_environment_variable_turns_it_off(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(filecache.DISABLE_VARIABLE, "1")
    load_config(write(tmp_path))
    assert stored(cache_home) == []
    monkeypatch.setenv(filecache.DISABLE_VARIABLE, "0")
    load_config(write(tmp_path))
    assert len(stored(cache_home)) == 1


def test_the_command_flag_turns_it_off(tmp_path: Path, cache_home: Path) -> None:
    path = write(tmp_path, "- descriptor: pip-services:logger:null:default:1.0\n")
    command = [sys.executable, "-m", "wirework", "check", "-c", str(path)]
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent)}
    done = subprocess.run([*command, "--no-cache"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert stored(cache_home) == []
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(stored(cache_home)) == 1


def test_at_most_max_files_are_kept(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filecache, "MAX_FILES", 3)
    for index in range(6):
        text = f"- descriptor: myapp:thing:default:n{index}:1.0\n"
        load_config(write(tmp_path, text, f"c{index}.yml"))
        assert len(stored(cache_home)) == min(index + 1, 3)


def test_a_payload_beyond_the_bound_is_not_stored(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filecache, "MAX_BYTES", 10)
    load_config(write(tmp_path))
    assert stored(cache_home) == []


def test_the_key_covers_the_bytes_and_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    name = filecache.key(b"- a: 1\n")
    assert filecache.key(b"- a: 2\n") != name
    monkeypatch.setattr(filecache, "_identity", b"another PyYAML or Python")
    assert filecache.key(b"- a: 1\n") != name
