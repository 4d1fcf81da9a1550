"""``type:`` imports: every way an import can fail is one CreateError, and the build goes on."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from wirework.build import Factory, load_type, split_type
from wirework.container import BuildError, Container
from wirework.errors import CreateError


@pytest.fixture
def app_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory on sys.path for throwaway modules, forgotten afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        del sys.modules[name]


def create_error(spec: str) -> CreateError:
    with pytest.raises(CreateError) as info:
        load_type(spec)
    return info.value


@pytest.mark.parametrize(
    ("body", "raised"),
    [
        ("raise ValueError('no config for this module')", "ValueError: no config for this module"),
        ("import sys\nsys.exit(3)", "SystemExit: 3"),
        ("x = 1 / 0", "ZeroDivisionError: division by zero"),
        ("raise RecursionError('deep')", "RecursionError: deep"),
    ],
)
def test_a_module_that_raises_on_import_is_a_create_error(
    app_dir: Path, body: str, raised: str
) -> None:
    (app_dir / "raising_mod.py").write_text(body + "\n")
    error = create_error("raising_mod:Thing")
    assert str(error) == (
        f"importing module 'raising_mod' for type 'raising_mod:Thing' raised {raised}"
    )
    assert error.__cause__ is not None


def test_the_build_goes_on_past_a_raising_module(app_dir: Path) -> None:
    (app_dir / "raising_mod.py").write_text("raise ValueError('boom')\n")
    config = app_dir / "config.yml"
    config.write_text(
        "- type: raising_mod:Thing\n"
        "- type: .relative:Thing\n"
        "- descriptor: nope:nope:nope:nope:1.0\n"
    )
    with pytest.raises(BuildError) as info:
        Container.from_file(config).check()
    problems = info.value.problems
    assert [p.source for p in problems] == [f"{config}:{n}" for n in (1, 2, 3)]
    assert "raised ValueError: boom" in str(problems[0])
    assert str(problems[0]).startswith(f"raising_mod:Thing ({config}:1): importing module")
    assert "names a relative module '.relative'" in str(problems[1])
    assert "no factory can create this descriptor" in str(problems[2])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (".rel:C", "type '.rel:C' names a relative module '.rel'"),
        ("..pkg.mod:C", "names a relative module '..pkg.mod'"),
        ("C,.rel", "names a relative module '.rel'"),
        ("1abc:C", "type '1abc:C' is malformed: '1abc' is not a dotted module name"),
        ("pkg..mod:C", "'pkg..mod' is not a dotted module name"),
        ("mod:C:D", "'C:D' is not a dotted class name"),
        ("mod:C-D", "'C-D' is not a dotted class name"),
        ("justaname", "expected 'package.module:Class' or 'Class,package.module'"),
    ],
)
def test_malformed_type_specs(spec: str, message: str) -> None:
    with pytest.raises(CreateError) as info:
        split_type(spec)
    assert message in str(info.value)
    assert not isinstance(info.value.__cause__, TypeError)


def test_relative_type_hints_the_full_path() -> None:
    assert "write the module's full dotted path" in str(create_error(".rel:C"))


def test_module_not_found_says_where_modules_are_looked_up() -> None:
    error = create_error("no_such_module_xyz:Thing")
    assert str(error).startswith("cannot import module 'no_such_module_xyz'")
    assert error.hint is not None
    assert "working directory" in error.hint
    assert "--app-dir" in error.hint


def test_missing_dependency_of_the_module_is_named_as_such(app_dir: Path) -> None:
    (app_dir / "needs_dep.py").write_text("import no_such_dependency_xyz\n")
    error = create_error("needs_dep:Thing")
    assert "module 'needs_dep' (type 'needs_dep:Thing') imports 'no_such_dependency_xyz'" in str(
        error
    )
    assert "which is not installed" in str(error)


def test_missing_submodule_names_the_package_it_was_looked_for_in(app_dir: Path) -> None:
    package = app_dir / "some_pkg_xyz"
    package.mkdir()
    (package / "__init__.py").write_text("")
    error = create_error("some_pkg_xyz.missing:Thing")
    assert error.hint is not None
    assert f"'some_pkg_xyz' is the package at {package / '__init__.py'}" in error.hint


def test_missing_class_names_the_module_file(app_dir: Path) -> None:
    (app_dir / "has_thing.py").write_text("class Thing: ...\n")
    error = create_error("has_thing:Thin")
    assert str(error).startswith(
        f"module 'has_thing' ({app_dir / 'has_thing.py'}) has no 'Thin' (type 'has_thing:Thin')"
    )
    assert "did you mean 'Thing'?" in str(error)


def test_a_factory_registered_type_that_fails_to_import_is_reported_as_such(
    app_dir: Path,
) -> None:
    (app_dir / "raising_mod.py").write_text("raise ValueError('boom')\n")
    (app_dir / "config.yml").write_text("- descriptor: myapp:thing:default:a:1.0\n")
    container = Container.from_file(app_dir / "config.yml")
    factory = Factory()
    factory.register_as_type("myapp:thing:*:*:1.0", "raising_mod:Thing")
    container.add_factory(factory)
    with pytest.raises(BuildError) as info:
        container.check()
    [problem] = info.value.problems
    assert str(problem) == (
        f"myapp:thing:default:a:1.0 ({app_dir}/config.yml:1): importing module 'raising_mod' "
        "for type 'raising_mod:Thing' raised ValueError: boom"
    )
