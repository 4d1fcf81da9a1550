"""``Container.reload``: the running service changes only where its config changed.

Each test opens a container from a file, rewrites the file, reloads, and checks the
components themselves: which are the same objects, how often each opened and closed
(``reloadable.Part`` counts, and journals the order), what the references and the
health report hold. The components live in ``tests/reloadable.py``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reloadable import FlakyPart
from wirework.container import BuildError, Container, ReloadReport
from wirework.errors import ConfigError, InvalidStateError, LifecycleError
from wirework.log import ConsoleLogger, LogLevel
from wirework.state import MemoryStateStore

LOGGER = "pip-services:logger:console:default:1.0"
STORE = "pip-services:state-store:memory:default:1.0"


def part(name: str, value: Any = 1, *, kind: str = "Part", **keys: Any) -> str:
    """A config entry of ``reloadable.Part`` (or ``TunablePart``) named ``name``."""
    lines = [
        f"- descriptor: test:part:default:{name}:1.0",
        f"  type: reloadable:{kind}",
        f"  id: {name}",
        "  options:",
        f"    value: {value}",
    ]
    for key, text in keys.items():
        if key == "needs":
            lines += [
                "  needs:",
                *(f"    n{i}: test:part:default:{n}:1.0" for i, n in enumerate(text)),
            ]
        else:
            lines.append(f"  {key}: {text}")
    return "\n".join(lines) + "\n"


def logger(level: str = "info") -> str:
    return f"- descriptor: {LOGGER}\n  level: {level}\n"


def store() -> str:
    return f"- descriptor: {STORE}\n"


def find(container: Container, name: str) -> Any:
    return container.references.get_one_required(f"test:part:default:{name}:1.0")


class Service:
    """A container running from ``config.yml`` in a temporary directory."""

    def __init__(self, directory: Path, *entries: str) -> None:
        self.path = directory / "config.yml"
        self.journal = directory / "journal"
        self.write(*entries)
        self.container = Container.from_file(self.path)
        self.container.open()

    def write(self, *entries: str) -> None:
        text = "".join(entries).replace("JOURNAL", str(self.journal))
        self.path.write_text(text)

    def steps(self) -> list[str]:
        lines = self.journal.read_text().splitlines() if self.journal.exists() else []
        self.journal.unlink(missing_ok=True)
        return lines


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Any]:
    services: list[Service] = []

    def start(*entries: str) -> Service:
        services.append(Service(tmp_path, *entries))
        return services[-1]

    yield start
    for each in services:
        each.container.close()


def test_a_new_log_level_is_configured_in_place_and_nothing_restarts(service: Any) -> None:
    running = service(logger("info"), store(), part("a"))
    container = running.container
    console, memory, a = (
        container.references.get_one_required(LOGGER),
        container.references.get_one_required(STORE),
        find(container, "a"),
    )
    memory.save(None, "kept", 42)
    running.write(logger("debug"), store(), part("a"))
    report = container.reload()
    assert report == ReloadReport(reconfigured=(LOGGER,))
    assert container.references.get_one_required(LOGGER) is console
    assert isinstance(console, ConsoleLogger)
    assert console.level is LogLevel.DEBUG
    assert find(container, "a") is a
    assert (a.configures, a.opens, a.closes) == (1, 1, 0)
    assert container.references.get_one_required(STORE) is memory
    assert memory.load(None, "kept") == 42


def test_a_changed_option_restarts_the_component_and_its_dependents_only(service: Any) -> None:
    running = service(store(), part("a"), part("b", needs=["a"]), part("c", needs=["b"]), part("d"))
    container = running.container
    memory = container.references.get_one_required(STORE)
    memory.save(None, "kept", "yes")
    old = {name: find(container, name) for name in "abcd"}
    running.write(store(), part("a", 2), part("b", needs=["a"]), part("c", needs=["b"]), part("d"))
    report = container.reload()
    assert report.restarted == tuple(f"test:part:default:{n}:1.0" for n in "abc")
    assert (report.reconfigured, report.added, report.removed) == ((), (), ())
    new = {name: find(container, name) for name in "abcd"}
    for name in "abc":
        assert new[name] is not old[name]
        assert (old[name].closes, new[name].opens, new[name].is_open()) == (1, 1, True)
    assert new["a"].value == 2
    assert new["b"].found == [new["a"]]  # wired to the new one, not the closed one
    assert new["c"].found == [new["b"]]
    assert new["d"] is old["d"]
    assert (old["d"].opens, old["d"].closes) == (1, 0)
    assert container.references.get_one_required(STORE) is memory
    assert memory.load(None, "kept") == "yes"


def test_a_dependency_chain_closes_dependents_first_and_opens_them_last(service: Any) -> None:
    chain = [
        part("a", journal="JOURNAL"),
        part("b", journal="JOURNAL", needs=["a"]),
        part("c", journal="JOURNAL", needs=["b"]),
    ]
    running = service(*chain)
    running.steps()
    running.write(part("a", 2, journal="JOURNAL"), *chain[1:])
    running.container.reload()
    steps = [step for step in running.steps() if not step.startswith("configure")]
    assert steps == ["close c", "close b", "close a", "open a", "open b", "open c"]


def test_added_and_removed_entries_open_and_close(service: Any) -> None:
    running = service(part("a"), part("d"))
    container = running.container
    a, d = find(container, "a"), find(container, "d")
    running.write(part("a"), part("e"))
    report = container.reload()
    assert (report.added, report.removed) == (
        ("test:part:default:e:1.0",),
        ("test:part:default:d:1.0",),
    )
    assert (d.closes, d.is_open()) == (1, False)
    assert container.references.get_one_optional("test:part:default:d:1.0") is None
    assert find(container, "e").is_open()
    assert find(container, "a") is a
    health = container.health()
    assert health.ready
    assert [c.label for c in health.components] == [
        "test:part:default:a:1.0",
        "test:part:default:e:1.0",
    ]
    assert [node.label for node in container.components] == [c.label for c in health.components]


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        ("- descriptor: [unclosed\n", ConfigError),
        ("- descriptor: pip-services:logger:consol:default:1.0\n", BuildError),
        (f"- descriptor: {LOGGER}\n  level: loud\n", BuildError),
        (part("x", needs=["y"]) + part("y", needs=["x"]), BuildError),
        ("- type: reloadable:NoSuchClass\n", BuildError),
        (part("x", "${NOT_SET_ANYWHERE_IN_THIS_TEST}"), ConfigError),
    ],
    ids=["yaml", "descriptor", "log-level", "cycle", "type", "variable"],
)
def test_an_invalid_config_is_refused_and_the_service_runs_on_untouched(
    service: Any, edit: str, error: type[Exception]
) -> None:
    entries = [logger(), part("a"), store()]
    running = service(*entries)
    container = running.container
    before = {node.label: node.component for node in container.components}
    config = container.config
    running.write(*entries, edit)
    with pytest.raises(error) as refused:
        container.reload()
    assert f"{running.path}:" in str(refused.value)  # names the file and the line
    assert "the reload changed nothing" in "\n".join(refused.value.__notes__)
    a = find(container, "a")
    assert (a.configures, a.opens, a.closes) == (1, 1, 0)
    assert container.config is config
    assert {node.label: node.component for node in container.components} == before
    assert container.health().ready
    assert container.references.get_one_required(LOGGER).level is LogLevel.INFO


def test_an_open_that_fails_rolls_back_what_the_reload_opened(service: Any) -> None:
    running = service(
        part("a", journal="JOURNAL"), part("b", journal="JOURNAL", needs=["a"]), part("c")
    )
    container = running.container
    c = find(container, "c")
    running.steps()
    running.write(
        part("a", 2, journal="JOURNAL"),
        part("b", journal="JOURNAL", needs=["a"], fail_open="true"),
        part("c"),
    )
    with pytest.raises(LifecycleError, match="open failed: RuntimeError: b cannot open") as failed:
        container.reload()
    notes = "\n".join(failed.value.__notes__)
    assert "closed in rollback: test:part:default:a:1.0" in notes
    assert "not running until the next reload" in notes
    steps = [step for step in running.steps() if not step.startswith("configure")]
    assert steps == ["close b", "close a", "open a", "fail-open b", "close a"]
    assert find(container, "c") is c
    assert c.is_open()
    assert container.references.get_one_optional("test:part:default:a:1.0") is None
    health = container.health()
    assert not health.ready
    assert {h.label: h.state for h in health.failing} == {
        "test:part:default:a:1.0": "closed",
        "test:part:default:b:1.0": "failed",
    }


def test_a_build_that_fails_after_the_trial_passed_leaves_the_entry_not_running(
    service: Any,
) -> None:
    running = service(part("f", kind="FlakyPart"), part("c"))
    container = running.container
    old, c = find(container, "f"), find(container, "c")
    running.write(part("f", 2, kind="FlakyPart"), part("c"))
    FlakyPart.fail_at = FlakyPart.configured + 2  # the trial's configure passes, not the next
    with pytest.raises(BuildError, match="failed the second time round") as failed:
        container.reload()
    assert "not running until the next reload: test:part:default:f:1.0" in failed.value.__notes__
    assert old.closes == 1
    assert container.references.get_one_optional("test:part:default:f:1.0") is None
    first = container.components[0]
    assert (first.label, first.state, first.component) == (
        "test:part:default:f:1.0",
        "closed",
        None,
    )
    assert [h.label for h in container.health().failing] == ["test:part:default:f:1.0"]
    assert find(container, "c") is c
    assert container.reload().restarted == ("test:part:default:f:1.0",)
    assert find(container, "f").value == 2
    assert container.health().ready


def test_the_next_reload_starts_what_a_failed_one_left_closed(service: Any) -> None:
    running = service(part("a"), part("b", needs=["a"]), part("c"))
    container = running.container
    c = find(container, "c")
    running.write(part("a", 2), part("b", needs=["a"], fail_open="true"), part("c"))
    with pytest.raises(LifecycleError):
        container.reload()
    running.write(part("a", 2), part("b", needs=["a"]), part("c"))
    report = container.reload()
    assert report.restarted == ("test:part:default:a:1.0", "test:part:default:b:1.0")
    assert container.health().ready
    assert find(container, "b").found == [find(container, "a")]
    assert find(container, "c") is c


def test_a_failed_reconfigure_configures_the_others_back_and_changes_nothing(
    service: Any,
) -> None:
    running = service(logger("info"), part("t", kind="TunablePart"), part("a"))
    container = running.container
    console, tunable, a = (
        container.references.get_one_required(LOGGER),
        find(container, "t"),
        find(container, "a"),
    )
    running.write(
        logger("debug"), part("t", 2, kind="TunablePart", frozen_while_open="true"), part("a", 2)
    )
    with pytest.raises(LifecycleError, match="t cannot change while open") as failed:
        container.reload()
    assert "the reload changed nothing" in "\n".join(failed.value.__notes__)
    assert console.level is LogLevel.INFO  # configured back
    assert tunable.value == 1
    assert find(container, "a") is a
    assert (a.value, a.closes) == (1, 0)
    assert container.health().ready


def test_a_tunable_part_is_reconfigured_while_its_dependents_stay(service: Any) -> None:
    running = service(part("t", kind="TunablePart"), part("u", needs=["t"]))
    container = running.container
    tunable, user = find(container, "t"), find(container, "u")
    running.write(part("t", 5, kind="TunablePart"), part("u", needs=["t"]))
    assert container.reload().reconfigured == ("test:part:default:t:1.0",)
    assert find(container, "t") is tunable
    assert tunable.value == 5
    assert (tunable.configures, tunable.opens, tunable.closes) == (2, 1, 0)
    assert find(container, "u") is user
    assert user.closes == 0


def test_a_close_that_fails_is_reported_and_the_reload_goes_on(service: Any) -> None:
    running = service(part("a", fail_close="true"), part("b", needs=["a"]))
    container = running.container
    running.write(part("a", 2), part("b", needs=["a"]))
    report = container.reload()
    assert report.restarted == ("test:part:default:a:1.0", "test:part:default:b:1.0")
    [failure] = report.failures
    assert isinstance(failure, LifecycleError)
    assert "close failed: RuntimeError: a cannot close" in str(failure)
    assert find(container, "a").value == 2
    assert container.health().ready


def test_an_unchanged_file_changes_nothing(service: Any) -> None:
    running = service(logger(), part("a"))
    report = running.container.reload()
    assert not report.changed
    assert str(report) == "nothing changed"
    assert find(running.container, "a").opens == 1


def test_the_report_reads_as_one_line() -> None:
    report = ReloadReport(reconfigured=("x",), restarted=("a", "b"), removed=("d",))
    assert str(report) == "reconfigured x; restarted a, b; removed d"
    assert report.changed


def test_lookups_and_health_stay_whole_while_reloads_run(service: Any) -> None:
    """Other threads look up a component that stays and ask for health while the
    config flips between two versions: every lookup finds the same object, every
    report lists one version's entries whole."""
    slow = {"configure_seconds": 0.005}  # a reload takes a while: the others see it midway
    one = (store(), part("a"), part("b", needs=["a"], **slow))
    two = (store(), part("a", 2), part("c"), part("d", **slow))
    running = service(*one)
    container = running.container
    memory = container.references.get_one_required(STORE)
    versions = {
        (STORE, *(f"test:part:default:{name}:1.0" for name in names)) for names in ("ab", "acd")
    }
    problems: list[BaseException] = []
    stop = threading.Event()

    def look_up() -> None:
        while not stop.is_set():
            try:
                assert container.references.get_one_required(STORE) is memory
                labels = tuple(c.label for c in container.health().components)
                assert labels in versions, labels
            except BaseException as exc:
                problems.append(exc)
                return

    threads = [threading.Thread(target=look_up) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for round_ in range(10):
            running.write(*(two if round_ % 2 == 0 else one))
            container.reload()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert problems == []
    assert container.health().ready


def test_a_stand_in_is_left_alone_by_a_reload(tmp_path: Path) -> None:
    class StandIn(MemoryStateStore):
        configures = 0

        def configure(self, config: Any) -> None:
            StandIn.configures += 1
            super().configure(config)

    stand_in = StandIn()
    path = tmp_path / "config.yml"
    path.write_text(store() + part("a"))
    with Container.from_file(path, overrides={STORE: stand_in}) as container:
        stand_in.save(None, "k", "v")
        path.write_text(store() + part("a", 2))
        assert container.reload().restarted == ("test:part:default:a:1.0",)
        assert container.references.get_one_required(STORE) is stand_in
        assert StandIn.configures == 1  # once at the start; the trial never touches it
        assert stand_in.load(None, "k") == "v"


def test_reload_needs_an_open_container_read_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "config.yml"
    path.write_text(part("a"))
    container = Container.from_file(path)
    with pytest.raises(InvalidStateError, match="cannot reload: it is not open"):
        container.reload()
    in_code = Container()
    in_code.config = list(container.config)
    with in_code, pytest.raises(InvalidStateError, match="it has no config file"):
        in_code.reload()


def test_areload_reloads_without_blocking_the_loop(service: Any) -> None:
    running = service(part("a"))
    running.write(part("a", 3))

    async def reload() -> ReloadReport:
        return await running.container.areload()

    assert asyncio.run(reload()).restarted == ("test:part:default:a:1.0",)
    assert find(running.container, "a").value == 3


def test_a_removed_part_is_not_part_of_a_later_close(service: Any) -> None:
    running = service(part("a", journal="JOURNAL"), part("b", journal="JOURNAL"))
    running.write(part("a", journal="JOURNAL"))
    running.container.reload()
    running.steps()
    running.container.close()
    assert running.steps() == ["close a"]
