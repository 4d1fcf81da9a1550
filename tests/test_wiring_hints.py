"""Wiring errors name the component, its descriptor and its line; hints never mislead."""

from pathlib import Path

import pytest

from wirework.build import Factory
from wirework.config import ConfigParams
from wirework.container import BuildError, Container
from wirework.descriptor import Descriptor, closest_descriptors
from wirework.errors import ConfigError, MissingReferenceError
from wirework.refer import DependencyResolver, IReferences, References


class Visits:
    """Looks its dependency up by a name fixed in code, as components do."""

    wanted = "visits"

    def __init__(self) -> None:
        self.resolver = DependencyResolver()

    def configure(self, config: ConfigParams) -> None:
        self.resolver.configure(config)

    def set_references(self, references: IReferences) -> None:
        self.resolver.set_references(references)
        self.resolver.get_one_required(self.wanted)


class Asker:
    """Asks for one locator, given in its config as ``wants``."""

    def __init__(self) -> None:
        self.wants = ""

    def configure(self, config: ConfigParams) -> None:
        self.wants = config.get_as_string("wants")

    def set_references(self, references: IReferences) -> None:
        references.get_one_required(self.wants)


def build(tmp_path: Path, text: str) -> BuildError:
    path = tmp_path / "config.yml"
    path.write_text(text)
    container = Container.from_file(path)
    factory = Factory()
    factory.register_as_type("myapp:service:visits:*:1.0", Visits)
    factory.register_as_type("myapp:service:asker:*:1.0", Asker)
    factory.register_as_type("myapp:counter:memory:*:1.0", object)
    factory.register_as_type("myapp:logger:memory:*:1.0", object)
    container.add_factory(factory)
    with pytest.raises(BuildError) as info:
        container.check()
    return info.value


def test_unknown_dependency_names_component_descriptor_and_dependencies_line(
    tmp_path: Path,
) -> None:
    error = build(
        tmp_path,
        "- descriptor: myapp:counter:memory:default:1.0\n"
        "- descriptor: myapp:service:visits:default:1.0\n"
        "  options: {x: 1}\n"
        "  dependencies:\n"
        "    visit: myapp:counter:*:*:1.0\n",
    )
    [problem] = error.problems
    assert str(problem).startswith(
        f"myapp:service:visits:default:1.0 ({tmp_path}/config.yml:4): "
        "unknown dependency 'visits'; known: visit"
    )
    assert "did you mean 'visit'?" in str(problem)


def test_missing_configured_dependency_names_its_own_line(tmp_path: Path) -> None:
    Visits.wanted = "visit"
    try:
        error = build(
            tmp_path,
            "- descriptor: myapp:service:visits:default:1.0\n"
            "  dependencies:\n"
            "    other: myapp:counter:*:*:1.0\n"
            "    visit: myapp:countr:*:*:1.0\n"
            "- descriptor: myapp:counter:memory:default:1.0\n",
        )
    finally:
        Visits.wanted = "visits"
    [problem] = error.problems
    assert isinstance(problem, MissingReferenceError)
    assert str(problem).startswith(
        f"myapp:service:visits:default:1.0 ({tmp_path}/config.yml:4): "
        "cannot locate reference myapp:countr:*:*:1.0"
    )
    assert "did you mean myapp:counter:memory:default:1.0?" in str(problem)


def test_unknown_dependency_without_config_names_the_entry(tmp_path: Path) -> None:
    error = build(tmp_path, "- descriptor: myapp:service:visits:default:1.0\n  x: 1\n")
    [problem] = error.problems
    assert str(problem).startswith(
        f"myapp:service:visits:default:1.0 ({tmp_path}/config.yml:1): "
        "unknown dependency 'visits'; known: none"
    )


def test_missing_reference_never_suggests_the_asker(tmp_path: Path) -> None:
    error = build(
        tmp_path,
        "- descriptor: myapp:service:asker:main:1.0\n  wants: myapp:service:asker:mian:1.0\n",
    )
    [problem] = error.problems
    assert isinstance(problem, MissingReferenceError)
    assert problem.candidates == []
    assert "did you mean" not in str(problem)


def test_missing_reference_suggests_the_same_type_before_a_closer_string(tmp_path: Path) -> None:
    error = build(
        tmp_path,
        "- descriptor: myapp:service:asker:main:1.0\n"
        "  wants: myapp:counter:redis:default:1.0\n"
        "- descriptor: myapp:logger:memory:default:1.0\n"
        "- descriptor: myapp:counter:memory:other:1.0\n",
    )
    [problem] = error.problems
    assert isinstance(problem, MissingReferenceError)
    assert problem.candidates == ["myapp:counter:memory:other:1.0"]


D = Descriptor.from_string


def test_closest_descriptors_rank_field_by_field() -> None:
    known = [
        D("myapp:logger:memory:default:1.0"),
        D("myapp:counter:memory:other:1.0"),
        D("myapp:counter:redis:other:1.0"),
        D("other:counter:redis:default:2.0"),
        D("myapp:counter:redis:default:1.0"),
    ]
    found = closest_descriptors(D("myapp:counter:redis:default:2.0"), known)
    assert [str(d) for d in found] == [
        "other:counter:redis:default:2.0",  # type, kind, name, version equal
        "myapp:counter:redis:default:1.0",  # type, kind, name equal
        "myapp:counter:redis:other:1.0",  # type, kind equal
    ]


def test_closest_descriptors_accept_a_type_typo_but_not_another_type() -> None:
    known = [D("pip-services:logger:console:*:1.0"), D("pip-services:state-store:memory:*:1.0")]
    assert closest_descriptors(D("pip-services:loger:console:default:1.0"), known) == [known[0]]
    assert closest_descriptors(D("*:cache:*:*:1.0"), known) == []
    assert closest_descriptors(D("*:*:console:*:*"), known) == known


def test_references_and_the_bridge_share_the_ranking() -> None:
    refs = References.from_tuples(
        "myapp:counter:memory:other:1.0", object(), "myapp:logger:memory:default:1.0", object()
    )
    with pytest.raises(MissingReferenceError) as info:
        refs.get_one_required("myapp:counter:redis:default:1.0")
    assert info.value.candidates == ["myapp:counter:memory:other:1.0"]


def test_malformed_configured_dependency_is_about_its_key() -> None:
    with pytest.raises(ConfigError) as info:
        DependencyResolver(ConfigParams({"dependencies.store": "nope"}))
    assert info.value.config_key == "dependencies.store"
