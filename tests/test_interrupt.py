"""A stop request during start-up: raised inside a component's code, never inside the
container's own bookkeeping (where it waits for the next check instead)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

import faults
from wirework.container import Container
from wirework.container.engine import open_all
from wirework.container.interrupt import Interrupted, Interruption

COMPONENT = faults.frame_in("myapp.store")


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    faults.reset()
    yield
    faults.reset()


def test_a_request_while_disarmed_is_only_recorded() -> None:
    interruption = Interruption()
    interruption.request(signal.SIGTERM, COMPONENT)
    assert interruption.requested
    interruption.check()  # disarmed: nothing to raise


def test_a_request_inside_a_components_code_raises_there_once() -> None:
    interruption = Interruption()
    interruption.arm()
    with pytest.raises(Interrupted, match="start-up interrupted by SIGTERM") as info:
        interruption.request(signal.SIGTERM, COMPONENT)
    assert info.value.signum == signal.SIGTERM
    interruption.request(signal.SIGINT, COMPONENT)  # the second is the caller's business
    interruption.check()


@pytest.mark.parametrize("module", [Container.__module__, open_all.__module__])
def test_a_request_inside_the_containers_code_waits_for_the_check(module: str) -> None:
    interruption = Interruption()
    interruption.arm()
    interruption.request(signal.SIGINT, faults.frame_in(module))
    with pytest.raises(Interrupted, match="SIGINT"):
        interruption.check()
    interruption.check()  # raised once


def chain(tmp_path: Path, where: str) -> Container:
    """first, then a component that gets a SIGTERM while opening, then last."""
    entries = [
        ("first", "faults:Faulty", ""),
        ("signalled", "faults:Signalled", f"  where: {where}\n"),
        ("last", "faults:Faulty", ""),
    ]
    text = "".join(
        f"- type: {kind}\n  descriptor: test:faulty:default:{name}:1.0\n  id: {name}\n{extra}"
        for name, kind, extra in entries
    )
    (tmp_path / "config.yml").write_text(text)
    return Container.from_file(tmp_path / "config.yml")


@pytest.mark.parametrize(
    ("where", "opens_and_closes"),
    [
        # in the component's code, mid-open: it never finished opening, so is not closed
        ("component", ["open first", "close first"]),
        # in its code at the very end of its open: it says it is open, so it is closed
        ("component-after", ["open first", "open signalled", "close signalled", "close first"]),
        # in the container's own code: the open completes, the next one never starts
        ("container", ["open first", "open signalled", "close signalled", "close first"]),
    ],
)
def test_a_signal_while_opening_rolls_back_and_leaves_nothing_open(
    tmp_path: Path, where: str, opens_and_closes: list[str]
) -> None:
    container = chain(tmp_path, where)
    with pytest.raises(Interrupted) as info:
        container.open(interruption=faults.INTERRUPTION)
    assert [c for c in faults.CALLS if c.startswith(("open", "close"))] == opens_and_closes
    if where.startswith("component"):
        assert "during open of test:faulty:default:signalled:1.0" in info.value.__notes__[0]
    assert not container.is_open()
    assert not any(f.opened or f.wired for f in faults.ALL)


def test_a_request_before_open_stops_it_before_any_open(tmp_path: Path) -> None:
    container = chain(tmp_path, "component")
    faults.INTERRUPTION.request(signal.SIGTERM, COMPONENT)  # e.g. while the config was read
    with pytest.raises(Interrupted):
        container.open(interruption=faults.INTERRUPTION)
    assert [c for c in faults.CALLS if c.startswith("open")] == []
    assert faults.CALLS[-3:] == [
        "unset_references last",
        "unset_references signalled",
        "unset_references first",
    ]
