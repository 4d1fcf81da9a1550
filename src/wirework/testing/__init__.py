"""wirework.testing: a pytest plugin that runs a container for the length of a test.

A test that opens a container must close it even when the test fails, or its
components (connections, files, threads) leak into the next test. The plugin puts
that in one place: a factory fixture opens containers and remembers how to undo
everything it did; pytest runs the fixture's teardown whether the test passed,
failed or errored. Teardown undoes in reverse: unwire, then close.

Overrides are applied when the container is built: an entry an override matches is
never created, and the stand-in is what every component receives, including one that
keeps the store it looked up in ``set_references``.

Two ways to use it (registered as the ``wirework`` pytest11 entry point; without the
entry point, load it with ``-p wirework.testing``)::

    def test_memory(wirework_container):
        container = wirework_container(
            "config/memory.yml",                       # relative to this test file
            parameters={"STATE_BACKEND": "memory"},    # ${VAR} values for the config
            overrides={"*:clock:*:*:1.0": FakeClock()},
            wire=["myapp.handlers"],                   # wired through wirework.di
        )
        ...

    @pytest.mark.wirework("config/memory.yml", wire=["myapp.handlers"])
    def test_marked(wirework):                         # the opened Container
        ...

Relative config paths are looked up next to the test file first, then under the
pytest rootdir.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from wirework.container import Container
from wirework.di import bridge
from wirework.errors import ConfigError
from wirework.refer import Locator

__all__ = ["ContainerFactory", "wirework", "wirework_container"]

_MARKER_HELP = (
    "wirework(path, parameters=None, overrides=None, wire=(), packages=(), app_dir=None): "
    "the config the `wirework` fixture opens for this test"
)


class ContainerFactory:
    """Opens containers for one test and closes every one of them afterwards.

    ``app_dir`` (the pytest rootdir for the fixtures) is importable while the factory
    lives, so ``type:`` entries and ``wire=`` modules name the application's own
    modules as ``wirework run --app-dir`` would, without a ``conftest.py`` to put the
    project on ``sys.path``. It goes after the installed packages, never before them.
    """

    def __init__(self, *search: Path, app_dir: Path | None = None) -> None:
        self._search = search
        self._stack = ExitStack()
        self.containers: list[Container] = []
        if app_dir is not None:
            self._stack.callback(_importable(app_dir))

    def __call__(
        self,
        path: str | os.PathLike[str],
        parameters: Mapping[str, Any] | None = None,
        *,
        overrides: Mapping[Locator, Any] | None = None,
        wire: Iterable[ModuleType | str] = (),
        packages: Iterable[ModuleType | str] = (),
        app_dir: str | os.PathLike[str] | None = None,
    ) -> Container:
        """Build the container at ``path`` with ``overrides`` in place, open it, wire modules.

        Overrides apply at build time (see ``wirework.container.Replacement``): the
        entries they match are never created, and every component, including one that
        keeps what it looked up in ``set_references``, is wired to the stand-in.
        ``app_dir`` makes one more directory (relative to the test file) importable.
        """
        if app_dir is not None:
            base = self._search[0] if self._search else Path.cwd()
            self._stack.callback(_importable(base / app_dir))
        container = Container.from_file(self.resolve(path), parameters, overrides=overrides)
        with ExitStack() as undo:
            container.open()
            undo.callback(container.close)
            if wire or packages:
                di = bridge(container)
                di.wire(modules=wire, packages=packages)
                undo.callback(di.unwire)
            self._stack.push(undo.pop_all())
        self.containers.append(container)
        return container

    def resolve(self, path: str | os.PathLike[str]) -> Path:
        """``path`` itself when absolute, else the first existing of the search places."""
        given = Path(path)
        if given.is_absolute():
            return given
        tried = list(dict.fromkeys(base / given for base in self._search))
        for candidate in tried:
            if candidate.is_file():
                return candidate
        raise ConfigError(
            f"config file {str(path)!r} not found; looked in "
            + " and ".join(str(t.parent) for t in tried)
        )

    def close(self) -> None:
        """Undo everything, newest container first; errors surface after all ran."""
        self.containers.clear()
        self._stack.close()


def _importable(directory: Path) -> Callable[[], None]:
    """Put ``directory`` at the end of ``sys.path``; returns how to take it off again."""
    entry = str(directory.resolve())
    if entry in sys.path:
        return lambda: None
    sys.path.append(entry)
    return lambda: sys.path.remove(entry) if entry in sys.path else None


@pytest.fixture
def wirework_container(request: pytest.FixtureRequest) -> Iterator[ContainerFactory]:
    """A factory: ``wirework_container(path, parameters, overrides=..., wire=...)``."""
    factory = ContainerFactory(
        request.path.parent, request.config.rootpath, app_dir=request.config.rootpath
    )
    try:
        yield factory
    finally:
        factory.close()


@pytest.fixture
def wirework(request: pytest.FixtureRequest, wirework_container: ContainerFactory) -> Container:
    """The container ``@pytest.mark.wirework(path, ...)`` describes, opened."""
    marker = request.node.get_closest_marker("wirework")
    if marker is None:
        pytest.fail(
            f"{request.node.nodeid}: the `wirework` fixture needs a "
            "@pytest.mark.wirework(path, parameters=..., overrides=..., wire=...) marker on "
            "the test, its class or its module (or use the wirework_container fixture)",
            pytrace=False,
        )
    return wirework_container(*marker.args, **marker.kwargs)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER_HELP)
