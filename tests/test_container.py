from collections.abc import Iterator
from pathlib import Path

import pytest

import probe
from wirework.build import Factory
from wirework.container import BuildError, Container
from wirework.errors import (
    CreateError,
    CycleError,
    InvalidStateError,
    LifecycleError,
    MissingReferenceError,
)
from wirework.log import CompositeLogger, ConsoleLogger


@pytest.fixture(autouse=True)
def _clean_events() -> Iterator[None]:
    probe.EVENTS.clear()
    yield
    probe.EVENTS.clear()


def entry(name: str, *needs: str, fail: str | None = None) -> str:
    lines = [
        "- type: probe:Probe",
        f"  descriptor: test:probe:default:{name}:1.0",
        f"  id: {name}",
    ]
    if needs:
        lines.append("  needs:")
        lines += [f"    - {need}" for need in needs]
    if fail:
        lines.append(f"  fail: {fail}")
    return "\n".join(lines) + "\n"


def container_for(tmp_path: Path, *entries: str) -> Container:
    """One at a time (``parallel=1``), so the order among independent entries is
    config order: what these tests check. Parallel start: ``test_runtime.py``."""
    path = tmp_path / "config.yml"
    path.write_text("".join(entries))
    container = Container(parallel=1)
    container.read_config_from_file(None, path)
    return container


def opens_and_closes(events: list[str]) -> list[str]:
    return [e for e in events if e.split()[0] in ("open", "close")]


def test_open_in_dependency_order_close_in_exact_reverse(tmp_path: Path) -> None:
    container = container_for(
        tmp_path,
        entry("service", "test:probe:*:store:1.0", "test:probe:*:cache:1.0"),
        entry("store", "test:probe:*:connection:1.0"),
        entry("cache"),
        entry("connection"),
    )
    with container:
        assert container.is_open()
    assert opens_and_closes(probe.EVENTS) == [
        "open cache",
        "open connection",
        "open store",
        "open service",
        "close service",
        "close store",
        "close connection",
        "close cache",
    ]
    assert not container.is_open()


def test_phases_run_in_order_and_unset_references_last(tmp_path: Path) -> None:
    with container_for(tmp_path, entry("a"), entry("b", "test:probe:*:a:1.0")):
        pass
    assert probe.EVENTS == [
        "configure a",
        "configure b",
        "set_references a",
        "set_references b",
        "open a",
        "open b",
        "close b",
        "close a",
        "unset_references b",
        "unset_references a",
    ]


def test_declared_dependencies_order_too(tmp_path: Path) -> None:
    late = entry("late").rstrip("\n") + "\n  dependencies:\n    first: test:probe:*:early:1.0\n"
    with container_for(tmp_path, late, entry("early")):
        pass
    assert opens_and_closes(probe.EVENTS)[:2] == ["open early", "open late"]


def test_failed_open_rolls_back_in_reverse(tmp_path: Path) -> None:
    container = container_for(tmp_path, entry("a"), entry("b"), entry("c", fail="open"), entry("d"))
    with pytest.raises(LifecycleError) as info:
        container.open()
    message = str(info.value)
    assert "test:probe:default:c:1.0" in message
    assert "config.yml:7" in message
    assert "open failed: RuntimeError: c refuses to open" in message
    assert isinstance(info.value.__cause__, RuntimeError)
    assert opens_and_closes(probe.EVENTS) == ["open a", "open b", "open c", "close b", "close a"]
    assert not container.is_open()


def test_close_goes_on_past_errors_and_raises_them_together(tmp_path: Path) -> None:
    container = container_for(
        tmp_path, entry("a", fail="close"), entry("b"), entry("c", fail="close")
    )
    container.open()
    with pytest.raises(ExceptionGroup) as info:
        container.close()
    assert opens_and_closes(probe.EVENTS)[3:] == ["close c", "close b", "close a"]
    assert [str(e).split(" (")[0] for e in info.value.exceptions] == [
        "test:probe:default:c:1.0",
        "test:probe:default:a:1.0",
    ]
    assert not container.is_open()
    container.close()  # idempotent


def test_cycle_is_drawn_with_lines(tmp_path: Path) -> None:
    container = container_for(
        tmp_path,
        entry("a", "test:probe:*:b:1.0"),
        entry("b", "test:probe:*:c:1.0"),
        entry("c", "test:probe:*:a:1.0"),
    )
    with pytest.raises(BuildError) as info:
        container.open()
    [problem] = info.value.problems
    assert isinstance(problem, CycleError)
    f = tmp_path / "config.yml"
    assert (
        f"test:probe:default:a:1.0 ({f}:1)\n  -> test:probe:default:b:1.0 ({f}:6)\n"
        f"  -> test:probe:default:c:1.0 ({f}:11)\n  -> test:probe:default:a:1.0 ({f}:1)"
    ) in str(problem)
    assert not any(e.startswith("open") for e in probe.EVENTS)


def test_unknown_descriptor_suggests_the_near_miss(tmp_path: Path) -> None:
    container = container_for(tmp_path, "- descriptor: pip-services:loger:console:default:1.0\n")
    with pytest.raises(BuildError) as info:
        container.open()
    [problem] = info.value.problems
    assert isinstance(problem, CreateError)
    text = str(problem)
    assert text.startswith("pip-services:loger:console:default:1.0 (")
    assert "config.yml:1" in text
    assert "no factory can create this descriptor" in text
    assert "did you mean pip-services:logger:console:*:1.0" in text


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    container = container_for(
        tmp_path,
        "- descriptor: nope:nope:nope:nope:1.0\n",
        "- type: no_such_module_xyz:Thing\n",
        "- type: probe:Broken\n",
        "- type: probe:Prob\n",
    )
    with pytest.raises(BuildError) as info:
        container.check()
    problems = info.value.problems
    assert len(problems) == 4
    assert "4 problems in the config" in str(info.value)
    assert "cannot import module 'no_such_module_xyz'" in str(problems[1])
    assert isinstance(problems[1].__cause__, CreateError)
    assert "Broken() raised ValueError: no database URL" in str(problems[2])
    assert "did you mean 'Probe'?" in str(problems[3])
    assert [p.source for p in problems] == [f"{tmp_path}/config.yml:{n}" for n in (1, 2, 3, 4)]


def test_configure_failure_names_component_and_keeps_cause(tmp_path: Path) -> None:
    container = container_for(tmp_path, entry("a", fail="configure"))
    with pytest.raises(BuildError) as info:
        container.open()
    [problem] = info.value.problems
    assert isinstance(problem, LifecycleError)
    assert "configure failed: RuntimeError: a refuses to configure" in str(problem)
    assert isinstance(problem.__cause__, RuntimeError)


def test_missing_reference_names_the_asker_and_its_line(tmp_path: Path) -> None:
    container = container_for(tmp_path, entry("a"), entry("b", "test:probe:*:ab:1.0"))
    with pytest.raises(BuildError) as info:
        container.open()
    [problem] = info.value.problems
    assert isinstance(problem, MissingReferenceError)
    text = str(problem)
    assert "test:probe:default:b:1.0 (" in text
    assert "config.yml:4" in text
    assert "cannot locate reference test:probe:*:ab:1.0" in text
    assert "did you mean" in text


def test_bad_log_level_is_a_configure_error(tmp_path: Path) -> None:
    container = container_for(
        tmp_path, "- descriptor: pip-services:logger:console:default:1.0\n  level: verbose\n"
    )
    with pytest.raises(BuildError, match="unknown log level 'verbose'"):
        container.open()


def test_ambiguous_wildcard_descriptor_is_refused(tmp_path: Path) -> None:
    container = container_for(tmp_path, "- descriptor: '*:logger:*:*:1.0'\n")
    with pytest.raises(BuildError, match="ambiguous: it matches") as info:
        container.open()
    assert "pip-services:logger:console:*:1.0" in str(info.value)


def test_wildcard_config_descriptor_is_registered_clarified(tmp_path: Path) -> None:
    with container_for(tmp_path, "- descriptor: pip-services:logger:console:*:1.0\n") as c:
        assert isinstance(
            c.references.get_one_required("pip-services:logger:console:*:1.0"), ConsoleLogger
        )


def test_type_forms_and_type_with_descriptor(tmp_path: Path) -> None:
    container = container_for(
        tmp_path,
        "- type: Probe,probe\n  id: ref-form\n",
        "- type: probe:Probe\n  descriptor: test:probe:default:x:1.0\n  id: both\n",
    )
    with container:
        assert container.references.get_one_required(probe.Probe).name == "ref-form"
        assert container.references.get_one_required("test:probe:*:x:*").name == "both"


def test_composite_logger_never_receives_itself(tmp_path: Path) -> None:
    container = container_for(
        tmp_path,
        "- descriptor: pip-services:logger:composite:default:1.0\n",
        "- descriptor: pip-services:logger:console:default:1.0\n",
    )
    with container:
        composite = container.references.get_one_required("*:logger:composite:*:*")
        assert isinstance(composite, CompositeLogger)
        assert [type(x) for x in composite.loggers] == [ConsoleLogger]


def test_context_info_from_config(tmp_path: Path) -> None:
    container = container_for(
        tmp_path,
        "- descriptor: pip-services:context-info:default:default:1.0\n  name: beacons\n",
        "- descriptor: pip-services:logger:console:default:1.0\n",
    )
    with container:
        assert container.info.name == "beacons"
        logger = container.references.get_one_required("*:logger:console:*:*")
        assert logger.source == "beacons"


def test_factory_declared_in_config_serves_later_entries(tmp_path: Path) -> None:
    container = container_for(
        tmp_path,
        "- type: probe_factory:ProbeFactory\n",
        "- descriptor: custom:thing:default:default:1.0\n  id: made\n",
    )
    (tmp_path / "probe_factory.py").write_text(
        "from wirework.build import Factory\nimport probe\n"
        "class ProbeFactory(Factory):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.register_as_type('custom:thing:*:*:1.0', probe.Probe)\n"
    )
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        with container:
            assert container.references.get_one_required("custom:thing:*:*:*").name == "made"
    finally:
        sys.path.remove(str(tmp_path))


def test_add_factory_and_reopen(tmp_path: Path) -> None:
    factory = Factory()
    factory.register_as_type("app:widget:*:*:1.0", probe.Probe)
    container = container_for(tmp_path, "- descriptor: app:widget:default:w:1.0\n  id: w\n")
    container.add_factory(factory)
    container.open()
    with pytest.raises(InvalidStateError, match="already open"):
        container.open()
    container.close()
    container.open()
    container.close()
    assert opens_and_closes(probe.EVENTS) == ["open w", "close w", "open w", "close w"]


def test_references_only_while_open(tmp_path: Path) -> None:
    container = container_for(tmp_path, entry("a"))
    with pytest.raises(InvalidStateError, match="not open"):
        _ = container.references


def test_check_builds_without_opening(tmp_path: Path) -> None:
    container = container_for(tmp_path, entry("b", "test:probe:*:a:1.0"), entry("a"))
    graph = container.check()
    assert [n.label for n in graph.order()] == [
        "test:probe:default:a:1.0",
        "test:probe:default:b:1.0",
    ]
    assert not any(e.startswith("open") for e in probe.EVENTS)
    assert "graph TD" in graph.render("mermaid")
    assert "digraph wirework" in graph.render("dot")


def test_malformed_declared_dependency_is_a_reported_problem(tmp_path: Path) -> None:
    bad = entry("a").rstrip("\n") + "\n  dependencies:\n    store: not-a-descriptor\n"
    with pytest.raises(BuildError) as info:
        container_for(tmp_path, bad).open()
    [problem] = info.value.problems
    assert "dependencies.store: descriptor 'not-a-descriptor' is malformed" in str(problem)
    assert "config.yml:5" in str(problem)  # the line of dependencies.store itself


def test_components_in_config_order_while_open(tmp_path: Path) -> None:
    container = container_for(tmp_path, entry("b", "test:probe:*:a:1.0"), entry("a"))
    assert container.components == []
    with container:
        assert [n.component.name for n in container.components] == ["b", "a"]
        assert [n.component.name for n in container.open_order] == ["a", "b"]
    assert container.components == []
