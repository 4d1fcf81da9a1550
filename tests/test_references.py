import threading

import pytest

from wirework.config import ConfigParams
from wirework.descriptor import Descriptor
from wirework.errors import ConfigError, MissingReferenceError
from wirework.refer import DependencyResolver, References, ReferencesView


def test_newest_registration_first_among_matches() -> None:
    refs = References.from_tuples(
        "g:logger:console:a:1.0", "first", "g:logger:null:b:1.0", "second"
    )
    assert refs.get_optional("*:logger:*:*:1.0") == ["second", "first"]
    assert refs.get_one_required("*:logger:*:*:*") == "second"
    assert refs.get_all() == ["first", "second"]


def test_exact_lookup_also_sees_stored_wildcards() -> None:
    refs = References()
    refs.put("pip-services:context-info:default:*:1.0", "default-info")
    refs.put("pip-services:context-info:default:default:1.0", "config-info")
    assert refs.get_optional("pip-services:context-info:default:default:1.0") == [
        "config-info",
        "default-info",
    ]
    assert refs.get_optional("pip-services:context-info:default:other:1.0") == ["default-info"]


def test_wildcard_lookup_uses_every_field() -> None:
    refs = References()
    for i in range(50):
        refs.put(Descriptor("g", "svc", "k", f"n{i}", "1.0"), i)
    refs.put("g:logger:console:default:1.0", "log")
    assert refs.get_optional("*:*:*:n7:1.0") == [7]
    assert refs.get_optional("*:logger:*:*:1.0") == ["log"]
    assert refs.get_optional("*:*:*:*:2.0") == []
    assert len(refs.get_optional("*:*:*:*:*")) == 51


def test_class_locators() -> None:
    class Thing:
        pass

    thing = Thing()
    refs = References()
    refs.put(Thing, thing)
    assert refs.get_one_required(Thing) is thing


def test_remove_and_remove_all() -> None:
    refs = References.from_tuples("g:a:k:1:1.0", "a1", "g:a:k:2:1.0", "a2", "g:b:k:1:1.0", "b")
    assert refs.remove("g:a:*:*:*") == "a2"
    assert refs.get_optional("g:a:*:*:*") == ["a1"]
    assert refs.remove_all("g:*:*:*:*") == ["b", "a1"]
    assert refs.get_all() == []
    assert refs.remove("g:a:*:*:*") is None


def test_missing_required_reference_suggests_close_descriptors() -> None:
    refs = References.from_tuples("myapp:state-store:memory:default:1.0", object())
    with pytest.raises(MissingReferenceError) as info:
        refs.get_one_required("myapp:state-stor:memory:default:1.0")
    message = str(info.value)
    assert "cannot locate reference myapp:state-stor:memory:default:1.0" in message
    assert "did you mean myapp:state-store:memory:default:1.0?" in message
    assert not isinstance(info.value, ReferenceError)
    assert refs.get_one_optional("x:y:z:w:1.0") is None


def test_bad_locators_are_config_errors() -> None:
    refs = References()
    with pytest.raises(ConfigError, match="malformed"):
        refs.get_optional("logger")
    with pytest.raises(ConfigError, match="a locator must be"):
        refs.get_optional(42)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="cannot register None"):
        refs.put("a:b:c:d:e", None)


def test_view_excludes_owner_records_lookups_and_names_the_asker() -> None:
    refs = References()
    owner, other = object(), object()
    refs.put("g:logger:composite:default:1.0", owner)
    refs.put("g:logger:console:default:1.0", other)
    view = ReferencesView(refs, owner, "g:logger:composite:default:1.0", "svc.yml:4")
    assert view.get_optional("*:logger:*:*:*") == [other]
    assert list(view.recorded.values()) == [other]
    with pytest.raises(MissingReferenceError) as info:
        view.get_one_required("g:cache:*:*:*")
    assert "g:logger:composite:default:1.0 (svc.yml:4)" in str(info.value)
    view.stop_recording()
    view.recorded.clear()
    view.get_optional("*:logger:*:*:*")
    assert view.recorded == {}


def test_view_get_one_records_only_the_one_returned() -> None:
    refs = References.from_tuples("g:s:k:a:1.0", "a", "g:s:k:b:1.0", "b")
    view = ReferencesView(refs, None, "x", None)
    assert view.get_one_required("g:s:*:*:*") == "b"
    assert list(view.recorded.values()) == ["b"]


def test_concurrent_puts_lose_nothing() -> None:
    refs = References()

    def worker(t: int) -> None:
        for i in range(500):
            refs.put(Descriptor("g", "t", str(t), str(i), "1.0"), (t, i))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(refs.get_all()) == 2000
    assert len(refs.get_optional("g:t:2:*:*")) == 500


def test_dependency_resolver_reads_config_and_names_unknowns() -> None:
    refs = References.from_tuples(
        "g:persistence:memory:p1:1.0", "p1", "g:persistence:memory:p2:1.0", "p2"
    )
    resolver = DependencyResolver.from_tuples("persistence", "g:persistence:*:*:1.0")
    resolver.configure(
        ConfigParams.from_value({"dependencies": {"persistence": "g:persistence:*:p1:1.0"}})
    )
    resolver.set_references(refs)
    assert resolver.get_one_required("persistence") == "p1"
    with pytest.raises(ConfigError, match="unknown dependency 'persistance'") as info:
        resolver.get_one_optional("persistance")
    assert "did you mean 'persistence'?" in str(info.value)


def test_dependency_resolver_bad_descriptor_and_early_use() -> None:
    with pytest.raises(ConfigError, match=r"dependencies\.store: descriptor 'a:b' is malformed"):
        DependencyResolver(ConfigParams.from_value({"dependencies": {"store": "a:b"}}))
    with pytest.raises(ConfigError, match="before set_references"):
        DependencyResolver.from_tuples("x", "a:b:c:d:e").get_optional("x")


def test_field_indexes_stay_consistent_after_they_are_built() -> None:
    refs = References()
    refs.put("g:cache:memory:a:1.0", "a")
    assert refs.get_optional("*:cache:*:*:*") == ["a"]  # builds the type index
    refs.put("g:cache:redis:b:1.0", "b")
    refs.put("h:cache:memory:c:2.0", "c")
    assert refs.get_optional("*:cache:*:*:*") == ["c", "b", "a"]
    assert refs.get_optional("*:cache:memory:*:*") == ["c", "a"]  # builds the kind index
    assert refs.remove("g:cache:memory:a:1.0") == "a"
    assert refs.get_optional("*:cache:memory:*:*") == ["c"]
    assert refs.get_optional("*:*:*:*:1.0") == ["b"]


def test_remove_component_removes_exactly_that_entry() -> None:
    first, fake, later = object(), object(), object()
    refs = References.from_tuples("g:s:k:a:1.0", first, "g:s:k:a:1.0", fake, "g:s:k:a:1.0", later)
    assert refs.remove_component("g:s:k:a:1.0", fake)
    assert refs.get_optional("g:s:k:a:1.0") == [later, first]
    assert not refs.remove_component("g:s:k:a:1.0", fake)
    assert not refs.remove_component("g:s:*:*:*", first)  # same component, other locator
