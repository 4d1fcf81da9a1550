"""Fault injection: every lifecycle step fails, at every position, with an Exception and
with the BaseExceptions a user or a supervisor causes (Ctrl-C, SystemExit).

Whatever fails, nothing may stay open or wired, the error names the component, its
step and its YAML line, and the original exception is kept: as the cause of
wirework's error, or re-raised as itself after the rollback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import faults
from wirework.container import BuildError, Container
from wirework.errors import LifecycleError

STEPS = ["configure", "set_references", "open", "close", "unset_references"]
KINDS = [RuntimeError, KeyboardInterrupt, SystemExit]
NAMES = ["first", "middle", "last"]  # a chain: middle needs first, last needs middle


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    faults.reset()
    yield
    faults.reset()


def label(name: str) -> str:
    return f"test:faulty:default:{name}:1.0"


Fault = tuple[str, type[BaseException]]


def chain(tmp_path: Path, **culprits: Fault) -> Container:
    """A config of three faulty components; each culprit fails a step with an error."""
    lines: list[str] = []
    for index, name in enumerate(NAMES):
        lines += ["- type: faults:Faulty", f"  descriptor: {label(name)}", f"  id: {name}"]
        if index:
            lines.append(f"  needs: [{label(NAMES[index - 1])}]")
        if name in culprits:
            step, kind = culprits[name]
            lines += [f"  fail: {step}", f"  raise: {kind.__name__}"]
    path = tmp_path / "config.yml"
    path.write_text("\n".join(lines) + "\n")
    return Container.from_file(path)


def entry_line(tmp_path: Path, name: str) -> int:
    text = (tmp_path / "config.yml").read_text().splitlines()
    return text.index(f"  id: {name}") - 1  # the entry's '- type:' line, 1-based


def calls(step: str) -> list[str]:
    return [call.split()[1] for call in faults.CALLS if call.split()[0] == step]


def open_then_close(container: Container) -> None:
    container.open()
    container.close()


def lifecycle_error(raised: BaseException, name: str) -> LifecycleError:
    if isinstance(raised, BuildError):
        candidates: list[BaseException] = list(raised.problems)
    elif isinstance(raised, BaseExceptionGroup):
        candidates = list(raised.exceptions)
    else:
        candidates = [raised]
    found = [e for e in candidates if isinstance(e, LifecycleError) and e.component == label(name)]
    assert len(found) == 1, f"no single LifecycleError for {name} in {raised!r}"
    return found[0]


@pytest.mark.parametrize("culprit", NAMES)
@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
@pytest.mark.parametrize("step", STEPS)
def test_a_failing_step_leaves_nothing_open_or_wired(
    tmp_path: Path, step: str, kind: type[BaseException], culprit: str
) -> None:
    container = chain(tmp_path, **{culprit: (step, kind)})
    with pytest.raises(BaseException) as info:  # noqa: PT011 - checked precisely below
        open_then_close(container)
    raised = info.value
    failing = faults.named(culprit)
    assert failing.raised is not None, "the culprit never reached its failing step"

    # The error names the component, the step and the YAML line; the original is kept.
    where = f"config.yml:{entry_line(tmp_path, culprit)}"
    if issubclass(kind, Exception):
        error = lifecycle_error(raised, culprit)
        assert f"{step} failed" in str(error)
        assert where in str(error)
        assert error.__cause__ is failing.raised
    else:
        assert raised is failing.raised
        notes = "\n".join(getattr(raised, "__notes__", []))
        assert step in notes
        assert label(culprit) in notes
        assert where in notes

    # Nothing is left open or wired; the container is closed and can be closed again.
    assert not container.is_open()
    assert container.open_order == []
    container.close()
    opened = [n for n in calls("open") if not (step == "open" and n == culprit)]
    closed = calls("close")
    assert closed == opened[::-1], "close must be the exact reverse of the opens that worked"
    wired = [n for n in calls("set_references") if not (step == "set_references" and n == culprit)]
    unset = calls("unset_references")
    assert unset == wired[::-1], "unset_references must reverse the wiring that worked"
    for component in faults.ALL:
        if component is failing and step in ("close", "unset_references"):
            continue  # its own failed step left it as it was; the container did try
        assert not component.opened, f"{component.name} left open"
        assert not component.wired, f"{component.name} left wired"


@pytest.mark.parametrize("kind", KINDS[1:], ids=lambda k: k.__name__)
def test_an_interrupted_rollback_still_closes_the_rest_and_the_interrupt_wins(
    tmp_path: Path, kind: type[BaseException]
) -> None:
    """Open fails at the last; while rolling back, the middle's close is interrupted."""
    container = chain(tmp_path, last=("open", RuntimeError), middle=("close", kind))
    with pytest.raises(kind) as info:
        container.open()
    assert info.value is faults.named("middle").raised
    assert calls("close") == ["middle", "first"]
    assert calls("unset_references") == ["last", "middle", "first"]
    notes = "\n".join(info.value.__notes__)
    assert "open failed" in notes
    assert label("last") in notes
    assert not faults.named("first").opened


def test_an_error_while_unwinding_a_failed_build_is_reported_with_it(tmp_path: Path) -> None:
    container = chain(
        tmp_path, last=("set_references", RuntimeError), first=("unset_references", RuntimeError)
    )
    with pytest.raises(BuildError) as info:
        container.open()
    steps = sorted(str(p).split(" failed")[0].rsplit(" ", 1)[-1] for p in info.value.problems)
    assert steps == ["set_references", "unset_references"]
    assert calls("unset_references") == ["middle", "first"]
