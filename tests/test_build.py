from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

import probe
from wirework.build import (
    CompositeFactory,
    Factory,
    _discovery,
    discover_factories,
    load_type,
    split_type,
)
from wirework.container import Container
from wirework.descriptor import Descriptor
from wirework.errors import CreateError

WIDGET = Descriptor.from_string("app:widget:default:w:1.0")


def test_factory_creates_new_instances_and_reports_registration() -> None:
    factory = Factory()
    factory.register_as_type("app:widget:*:*:1.0", probe.Probe)
    assert factory.can_create(WIDGET) == Descriptor.from_string("app:widget:*:*:1.0")
    first, second = factory.create(WIDGET), factory.create(WIDGET)
    assert isinstance(first, probe.Probe)
    assert first is not second
    assert factory.can_create(Descriptor.from_string("app:gadget:*:*:1.0")) is None
    with pytest.raises(CreateError, match="no factory registration matches"):
        factory.create(Descriptor.from_string("app:gadget:x:y:1.0"))


def test_composite_factory_last_added_wins() -> None:
    first, second = Factory(), Factory()
    first.register("app:widget:*:*:1.0", lambda _: "first")
    second.register("app:widget:*:*:1.0", lambda _: "second")
    composite = CompositeFactory(first)
    composite.add(second)
    assert composite.create(WIDGET) == "second"
    composite.remove(second)
    assert composite.create(WIDGET) == "first"
    with pytest.raises(CreateError, match="no factory can create"):
        composite.create(Descriptor.from_string("x:y:z:w:1.0"))


def test_type_specs_in_both_forms() -> None:
    assert split_type("pkg.mod:Class") == ("pkg.mod", "Class")
    assert split_type("Class, pkg.mod") == ("pkg.mod", "Class")
    assert load_type("probe:Probe") is probe.Probe
    assert load_type("Probe,probe") is probe.Probe
    with pytest.raises(CreateError, match="is malformed: expected 'package.module:Class'"):
        split_type("JustAName")
    with pytest.raises(CreateError, match="module and class are both required"):
        split_type("pkg.mod:")
    with pytest.raises(CreateError, match="names list, not a class"):
        load_type("probe:EVENTS")


def test_entry_point_factories_are_discovered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "thirdparty_factories.py").write_text(
        "from wirework.build import Factory\n"
        "import probe\n"
        "def make():\n"
        "    factory = Factory()\n"
        "    factory.register_as_type('thirdparty:gizmo:*:*:1.0', probe.Probe)\n"
        "    return factory\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    point = EntryPoint("gizmos", "thirdparty_factories:make", "wirework.factories")
    monkeypatch.setattr(_discovery, "_points", lambda: [point])
    [factory] = discover_factories()
    assert factory.can_create(Descriptor.from_string("thirdparty:gizmo:a:b:1.0")) is not None
    config = tmp_path / "c.yml"
    config.write_text("- descriptor: thirdparty:gizmo:default:g:1.0\n  id: g\n")
    with Container.from_file(config) as container:
        assert container.references.get_one_required("thirdparty:*:*:*:*").name == "g"


def test_broken_entry_point_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    point = EntryPoint("broken", "no_such_plugin_module:make", "wirework.factories")
    monkeypatch.setattr(_discovery, "_points", lambda: [point])
    with pytest.raises(
        CreateError, match="cannot load factory entry point 'no_such_plugin_module:make'"
    ):
        discover_factories()
    point = EntryPoint("wrong", "probe:EVENTS", "wirework.factories")
    monkeypatch.setattr(_discovery, "_points", lambda: [point])
    with pytest.raises(CreateError, match="gave list, which has no can_create/create"):
        discover_factories()
