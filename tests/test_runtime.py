"""The runtime: parallel start in dependency order, time bounds, retries, async
components (under ``open`` and ``aopen``), health, and a container left open.

No test asserts a speed: concurrency is proven by components that can only finish
when another one runs at the same time, and bounds by components that would
otherwise hang for the whole test run.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import runtime_parts as parts
from wirework.container import Container, HealthReport
from wirework.errors import InvalidArgumentError, LifecycleError


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    parts.reset()
    yield
    parts.reset()


def part(name: str, *needs: str, kind: str = "Part", **keys: object) -> str:
    lines = [f"- type: runtime_parts:{kind}", f"  descriptor: test:part:default:{name}:1.0"]
    lines.append(f"  id: {name}")
    if needs:
        lines.append("  needs:")
        lines += [f"    - test:part:default:{need}:1.0" for need in needs]
    lines += [f"  {key}: {value}" for key, value in keys.items()]
    return "\n".join(lines) + "\n"


def container(tmp_path: Path, *entries: str, **options: object) -> Container:
    path = tmp_path / "config.yml"
    path.write_text("".join(entries))
    made = Container(**options)  # type: ignore[arg-type]
    made.read_config_from_file(None, path)
    return made


def wait_until(condition: object, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.01)
    raise AssertionError("condition never became true")


# -- parallel start ---------------------------------------------------------------------
def test_independent_components_open_at_the_same_time(tmp_path: Path) -> None:
    parts.Rendezvous.barrier = threading.Barrier(3, timeout=10)
    entries = [part(n, kind="Rendezvous") for n in "abc"]
    with container(tmp_path, *entries) as c:
        assert sorted(parts.events("opened")) == ["a", "b", "c"]
        assert [node.state for node in c.components] == ["open"] * 3


def test_one_at_a_time_opens_in_config_order(tmp_path: Path) -> None:
    with container(tmp_path, *[part(n) for n in "dcba"], parallel=1):
        assert parts.events("opened") == ["d", "c", "b", "a"]
    assert parts.PEAK[0] == 1


def test_parallel_is_bounded(tmp_path: Path) -> None:
    entries = [part(f"p{i}", open_seconds=0.02) for i in range(12)]
    with container(tmp_path, *entries, parallel=3):
        pass
    assert 1 <= parts.PEAK[0] <= 3


@pytest.mark.parametrize("seed", range(5))
def test_order_holds_in_a_random_graph_and_close_reverses_completion(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    names = [f"n{i}" for i in range(25)]
    needs = {n: rng.sample(names[:i], k=min(i, rng.randint(0, 3))) for i, n in enumerate(names)}
    entries = [part(n, *needs[n], open_seconds=rng.choice([0, 0.001, 0.005])) for n in names]
    rng.shuffle(entries)  # config order says nothing about dependencies
    c = container(tmp_path, *entries, parallel=4)
    c.open()
    for name, wanted in needs.items():
        started = parts.LOG.index(("opening", name))
        for need in wanted:
            assert parts.LOG.index(("opened", need)) < started, f"{name} before {need}"
    completed = [node.label for node in c.open_order]
    c.close()
    closed = [f"test:part:default:{n}:1.0" for n in parts.events("closed")]
    assert closed == completed[::-1]
    for name, wanted in needs.items():  # nothing is closed while a dependent is open
        for need in wanted:
            assert parts.LOG.index(("closed", name)) < parts.LOG.index(("closing", need))


# -- time bounds and retries ------------------------------------------------------------
def test_an_open_that_times_out_fails_the_start_and_is_undone_when_it_returns(
    tmp_path: Path,
) -> None:
    c = container(
        tmp_path, part("a"), part("slow", "a", hang="open", open_timeout=200), part("z", "slow")
    )
    with pytest.raises(LifecycleError) as info:
        c.open()
    assert "open timed out after 0.2 s" in str(info.value)
    assert "test:part:default:slow:1.0" in str(info.value)
    assert parts.events("closed") == ["a"]  # rolled back
    assert "z" not in parts.events("opening")
    assert not c.is_open()
    parts.GATES["slow"].set()  # the abandoned open returns now, successfully
    wait_until(lambda: parts.events("closed") == ["a", "slow"])
    assert not parts.BY_ID["slow"].opened, "a late open is closed, not leaked"


def test_a_failing_open_is_retried_with_backoff(tmp_path: Path) -> None:
    with container(tmp_path, part("db", fail_opens=2, open_retries=2, open_backoff=1)):
        assert parts.BY_ID["db"].attempts == 3
        assert parts.BY_ID["db"].opened


def test_retries_run_out_and_the_last_error_is_reported(tmp_path: Path) -> None:
    c = container(tmp_path, part("db", fail_opens=5, open_retries=1, open_backoff=1))
    with pytest.raises(LifecycleError, match=r"not yet \(attempt 2\)") as info:
        c.open()
    assert parts.BY_ID["db"].attempts == 2
    assert isinstance(info.value.__cause__, ConnectionError)


def test_a_container_default_timeout_applies_to_every_entry(tmp_path: Path) -> None:
    c = container(tmp_path, part("slow", hang="open"), open_timeout=0.1)
    with pytest.raises(LifecycleError, match="open timed out after 0.1 s"):
        c.open()


def test_a_hung_close_is_abandoned_and_the_others_still_close(tmp_path: Path) -> None:
    c = container(tmp_path, part("a"), part("hung", "a", hang="close", close_timeout=100))
    c.open()
    with pytest.raises(ExceptionGroup) as info:
        c.close()
    (error,) = info.value.exceptions
    assert "close timed out after 0.1 s; abandoned" in str(error)
    assert "test:part:default:hung:1.0" in str(error)
    assert parts.events("closed") == ["a"]
    assert not c.is_open()


# -- async components -------------------------------------------------------------------
def test_async_and_sync_components_mix_under_the_sync_api(tmp_path: Path) -> None:
    c = container(tmp_path, part("sync"), part("async", "sync", kind="AsyncPart"))
    with c:
        loop = parts.BY_ID["async"].loop
        assert loop is not None
        assert loop.is_running()  # its own loop keeps serving
        assert not parts.BY_ID["async"].task.done()
    assert parts.events("closed") == ["async", "sync"]


def test_aopen_keeps_the_event_loop_serving_while_a_sync_open_sleeps(tmp_path: Path) -> None:
    c = container(tmp_path, part("sleepy", open_seconds=0.5), part("a", kind="AsyncPart"))
    ticks: list[float] = []

    async def main() -> None:
        async def ticker() -> None:
            while True:
                ticks.append(time.monotonic())
                await asyncio.sleep(0.02)

        ticking = asyncio.ensure_future(ticker())
        async with c:
            assert parts.BY_ID["a"].loop is asyncio.get_running_loop()
            during = list(ticks)
        ticking.cancel()
        assert len(during) >= 5, "the loop stalled while a sync component opened"

    asyncio.run(main())
    assert parts.events("closed") == ["a", "sleepy"] or parts.events("closed") == ["sleepy", "a"]


def test_a_cancelled_aopen_rolls_back(tmp_path: Path) -> None:
    c = container(tmp_path, part("a"), part("stuck", "a", hang="open"))

    async def main() -> None:
        task = asyncio.ensure_future(c.aopen())
        while "stuck" not in parts.events("opening"):
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert parts.events("closed") == ["a"]
    assert not c.is_open()


def test_an_async_open_that_times_out_is_cancelled(tmp_path: Path) -> None:
    c = container(tmp_path, part("a", kind="AsyncPart", hang="open", open_timeout=100))
    with pytest.raises(LifecycleError, match="open timed out after 0.1 s"):
        c.open()
    assert "a" not in parts.events("opened")


# -- health ---------------------------------------------------------------------------
def test_health_follows_the_lifecycle_and_the_checks(tmp_path: Path) -> None:
    c = container(
        tmp_path,
        part("fine"),
        part("ill", unhealthy="true", secret="hunter2"),
        part("async", kind="AsyncPart"),
    )
    assert c.health().status == "stopped"
    c.open()
    report = c.health()
    assert isinstance(report, HealthReport)
    assert report.status == "unhealthy"
    assert not report.ready
    assert report.live
    by_name = {h.label.split(":")[3]: h for h in report.components}
    assert by_name["fine"].healthy is True
    assert by_name["async"].healthy is True
    assert by_name["ill"].healthy is False
    assert by_name["ill"].state == "open"
    assert "cannot reach" in str(by_name["ill"].detail)
    assert "hunter2" not in str(report.to_dict())
    parts.BY_ID["ill"].unhealthy = False
    assert c.health().ready
    assert asyncio.run(c.ahealth()).ready
    c.close()
    assert c.health().status == "stopped"


def test_a_check_that_hangs_counts_as_failed_within_its_bound(tmp_path: Path) -> None:
    c = container(tmp_path, part("slow", hang="health", health_timeout=100))
    with c:
        report = c.health()
        (slow,) = report.components
        assert slow.healthy is False
        assert "check_health timed out after 0.1 s" in str(slow.detail)
        parts.GATES["slow"].set()


def test_a_container_opened_and_never_closed_warns(tmp_path: Path) -> None:
    c = container(tmp_path, part("a"))
    c.open()
    with pytest.warns(ResourceWarning, match="opened and never closed"):
        del c  # the last reference: collected here


# -- hostile settings -------------------------------------------------------------------
@pytest.mark.parametrize(
    "options",
    [
        {"parallel": 0},
        {"parallel": 5000},
        {"parallel": True},
        {"parallel": 2.5},
        {"open_timeout": -1},
        {"close_timeout": float("nan")},
        {"shutdown_timeout": float("inf")},
        {"health_timeout": "5"},
    ],
    ids=str,
)
def test_settings_out_of_range_are_refused_by_name(options: dict[str, object]) -> None:
    (name,) = options
    with pytest.raises(InvalidArgumentError, match=name):
        Container(**options)  # type: ignore[arg-type]


def test_a_process_out_of_threads_fails_the_start_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = container(tmp_path, part("a"))

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    with pytest.raises(LifecycleError, match="open could not start: no thread") as info:
        c.open()
    assert isinstance(info.value.__cause__, RuntimeError)
    assert not c.is_open()


@pytest.mark.parametrize(
    "argv",
    [
        ["--parallel", "0"],
        ["--parallel", "100000"],
        ["--shutdown-timeout", "nan"],
        ["--shutdown-timeout", "inf"],
        ["--shutdown-timeout", "-3"],
    ],
    ids=" ".join,
)
def test_the_command_refuses_bounds_out_of_range(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from wirework.cli import main

    with pytest.raises(SystemExit) as info:
        main(["run", "-c", "missing.yml", *argv])
    assert info.value.code == 2
    assert f"argument {argv[0]}: expected a number above 0" in capsys.readouterr().err


def test_a_health_host_without_a_port_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    from wirework.cli import main

    with pytest.raises(SystemExit) as info:
        main(["run", "-c", "missing.yml", "--health-host", "0.0.0.0"])
    assert info.value.code == 2
    assert "--health-host needs --health-port" in capsys.readouterr().err


def test_an_entrys_own_bounds_apply_to_their_step_only() -> None:
    from wirework.config import ConfigParams
    from wirework.container._engine import Bounds
    from wirework.container._graph import Node

    config = ConfigParams({"open_retries": 2, "open_backoff": 50, "close_timeout": 300})
    node = Node(0, "x", None, object())
    bounds = Bounds(open_timeout=7.0, close_timeout=9.0)
    opening = bounds.limiter("open", lambda _: config)(node)
    closing = bounds.limiter("close", lambda _: config)(node)
    assert (opening.timeout, opening.retries, opening.backoff) == (7.0, 2, 0.05)
    assert (closing.timeout, closing.retries) == (0.3, 0)  # a close is never retried
