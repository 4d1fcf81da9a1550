"""Built-ins a hot reload may configure again while open: the loggers and the memory store.

Each test configures an open component a second time and checks that the new settings
are in effect, that a key the new config leaves out goes back to its default, that the
component keeps what it holds, and that calls racing with ``configure`` see one
configuration whole.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from wirework.build import load_type
from wirework.config import ConfigParams
from wirework.container import BUILT_INS, ContextInfo
from wirework.lifecycle import Reconfigurable, capabilities
from wirework.log import CompositeLogger, ConsoleLogger, Logger, LogLevel, NullLogger, StdlibLogger
from wirework.refer import References
from wirework.state import ManualClock, MemoryStateStore

RECONFIGURABLE = {
    "pip-services:logger:console:*:1.0",
    "pip-services:logger:null:*:1.0",
    "pip-services:logger:composite:*:1.0",
    "pip-services:logger:stdlib:*:1.0",
    "pip-services:state-store:memory:*:1.0",
}


def config(**values: Any) -> ConfigParams:
    return ConfigParams.from_value(values)


@pytest.mark.parametrize("locator", sorted(BUILT_INS))
def test_exactly_the_loggers_and_the_memory_store_are_reconfigurable(locator: str) -> None:
    component = load_type(BUILT_INS[locator])()
    assert capabilities(component).reconfigurable is (locator in RECONFIGURABLE)
    assert isinstance(component, Reconfigurable) is (locator in RECONFIGURABLE)


def test_a_console_logger_takes_a_new_level_and_source_while_in_use(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logger = ConsoleLogger()
    logger.set_references(
        References.from_tuples("a:context-info:default:x:1.0", ContextInfo("svc"))
    )
    logger.configure(config(level="info", source="first"))
    logger.debug(None, "hidden")
    logger.configure(config(level="debug", source="second"))
    logger.debug(None, "shown")
    out = capsys.readouterr().out
    assert "hidden" not in out
    assert out.startswith("[second:-:DEBUG:")


def test_keys_left_out_of_a_new_config_go_back_to_their_defaults(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logger = ConsoleLogger()
    logger.set_references(
        References.from_tuples("a:context-info:default:x:1.0", ContextInfo("svc"))
    )
    logger.configure(config(level="error", source="own"))
    logger.configure(config())
    assert logger.level is LogLevel.INFO
    logger.info(None, "back to the defaults")
    assert capsys.readouterr().out.startswith("[svc:-:INFO:")


def test_a_stdlib_logger_moves_to_a_new_logger_name(caplog: pytest.LogCaptureFixture) -> None:
    logger = StdlibLogger()
    logger.configure(config(logger="first"))
    logger.configure(config(logger="second", level="warn"))
    with caplog.at_level(logging.DEBUG):
        logger.info(None, "filtered by the new level")
        logger.warn(None, "to the new name")
    assert [(r.name, r.getMessage()) for r in caplog.records] == [("second", "to the new name")]


def test_a_composite_logger_filters_at_its_new_level(capsys: pytest.CaptureFixture[str]) -> None:
    composite = CompositeLogger(
        References.from_tuples("g:logger:console:a:1.0", ConsoleLogger(LogLevel.TRACE))
    )
    composite.info(None, "before")
    composite.configure(config(level="error"))
    composite.info(None, "after")
    out = capsys.readouterr().out
    assert "before" in out
    assert "after" not in out


def test_a_null_logger_configured_again_still_writes_nothing() -> None:
    logger = NullLogger()
    logger.configure(config(level="trace"))
    logger.configure(config(level="debug"))
    assert logger.level is LogLevel.DEBUG
    logger.debug(None, "dropped")  # its write discards: nothing to observe but no error


class _PausingWriter(Logger):
    """Pauses inside its first write until ``configure`` has finished (or for at most
    half a second, since a correct logger makes ``configure`` wait for the write), then
    records the source the message is written with."""

    def __init__(self) -> None:
        super().__init__()
        self.writing = threading.Event()
        self.configured = threading.Event()
        self.written: list[str | None] = []

    def write(
        self, level: LogLevel, correlation_id: str | None, error: BaseException | None, message: str
    ) -> None:
        self.writing.set()
        self.configured.wait(0.5)
        self.written.append(self.source)


def test_a_message_racing_with_configure_is_written_with_one_configuration_whole() -> None:
    """A debug message passes the ``loud`` level; if ``configure`` could switch to
    ``quiet`` mid-write, the message would go out at debug with quiet's source."""
    logger = _PausingWriter()
    logger.configure(config(level="debug", source="loud"))
    message = threading.Thread(target=logger.debug, args=(None, "m"))
    message.start()
    assert logger.writing.wait(5)

    def reconfigure() -> None:
        logger.configure(config(level="info", source="quiet"))
        logger.configured.set()

    other = threading.Thread(target=reconfigure)
    other.start()
    message.join()
    other.join()
    assert logger.written == ["loud"]
    assert logger.source == "quiet"


def test_the_memory_store_keeps_its_data_and_takes_a_new_timeout_while_open() -> None:
    clock = ManualClock()
    store = MemoryStateStore(clock=clock)
    store.configure(config(options={"timeout": 1000}))
    store.open(None)
    store.save(None, "old", 1)
    store.configure(config(options={"timeout": 5000}))
    store.save(None, "new", 2)
    clock.advance_ms(1001)
    assert store.load(None, "old") is None  # saved under the old timeout, expires by it
    assert store.load(None, "new") == 2
    clock.advance_ms(4000)
    assert store.load(None, "new") is None


def test_the_memory_store_keeps_entries_that_never_expire_across_configure() -> None:
    clock = ManualClock()
    store = MemoryStateStore(clock=clock)
    store.open(None)
    store.save(None, "kept", {"n": 1})
    store.configure(config(options={"timeout": 10}))
    clock.advance_ms(1_000_000)
    assert store.load(None, "kept") == {"n": 1}


def test_a_timeout_left_out_of_a_new_config_goes_back_to_the_constructors() -> None:
    clock = ManualClock()
    store = MemoryStateStore(timeout=3000, clock=clock)
    store.configure(config(options={"timeout": 100}))
    store.configure(config())
    store.open(None)
    store.save(None, "k", 1)
    clock.advance_ms(2999)
    assert store.load(None, "k") == 1
    clock.advance_ms(1)
    assert store.load(None, "k") is None


def test_saves_racing_with_configure_lose_nothing() -> None:
    store = MemoryStateStore(clock=ManualClock())
    store.open(None)
    long_lived, longer = config(options={"timeout": 60_000}), config(options={"timeout": 120_000})

    def save_many(prefix: str) -> None:
        for i in range(2000):
            store.save(None, f"{prefix}{i}", i)

    threads = [threading.Thread(target=save_many, args=(f"t{n}-",)) for n in range(4)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        store.configure(long_lived)
        store.configure(longer)
    for thread in threads:
        thread.join()
    keys = [f"t{n}-{i}" for n in range(4) for i in range(2000)]
    assert [value.value for value in store.load_bulk(None, keys)] == [
        i for _ in range(4) for i in range(2000)
    ]
