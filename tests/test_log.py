import logging

import pytest

from wirework.config import ConfigParams
from wirework.errors import ConfigError
from wirework.log import CompositeLogger, ConsoleLogger, LogLevel, NullLogger, StdlibLogger
from wirework.refer import References


def test_console_logger_levels_and_streams(capsys: pytest.CaptureFixture[str]) -> None:
    logger = ConsoleLogger()
    logger.configure(ConfigParams.from_value({"level": "debug", "source": "svc"}))
    logger.debug("c1", "value is %d", 42)
    logger.trace("c1", "hidden")
    logger.error("c2", ValueError("boom"), "failed %s", "x")
    out, err = capsys.readouterr()
    assert "[svc:c1:DEBUG:" in out
    assert out.rstrip().endswith("value is 42")
    assert "hidden" not in out
    assert "[svc:c2:ERROR:" in err
    assert err.rstrip().endswith("failed x: ValueError: boom")


def test_stray_percent_never_raises(capsys: pytest.CaptureFixture[str]) -> None:
    ConsoleLogger().info(None, "100% done %s", "x")
    assert "100% done %s x" in capsys.readouterr().out


def test_level_parsing() -> None:
    assert LogLevel.parse("warning") is LogLevel.WARN
    assert LogLevel.parse(6) is LogLevel.TRACE
    assert LogLevel.parse("3") is LogLevel.WARN
    with pytest.raises(ConfigError, match="unknown log level 'infoo'") as info:
        LogLevel.parse("infoo")
    assert "did you mean 'info'?" in str(info.value)


def test_composite_fans_out_and_null_discards(capsys: pytest.CaptureFixture[str]) -> None:
    console = ConsoleLogger()
    refs = References.from_tuples(
        "g:logger:console:a:1.0", console, "g:logger:null:b:1.0", NullLogger()
    )
    composite = CompositeLogger(refs)
    composite.warn("cid", "careful")
    assert "careful" in capsys.readouterr().err
    assert len(composite.loggers) == 2


def test_stdlib_bridge(caplog: pytest.LogCaptureFixture) -> None:
    logger = StdlibLogger()
    logger.configure(ConfigParams.from_value({"logger": "myapp"}))
    with caplog.at_level(logging.DEBUG, logger="myapp"):
        logger.info("cid-7", "hello %s", "world")
    [record] = caplog.records
    assert record.name == "myapp"
    assert record.levelno == logging.INFO
    assert record.getMessage() == "hello world"
    assert record.correlation_id == "cid-7"  # type: ignore[attr-defined]
