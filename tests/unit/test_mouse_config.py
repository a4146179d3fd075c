"""`mouse = true|false` in the config and `--mouse/--no-mouse` on the command line."""

from __future__ import annotations

import pytest

from swarmtui.cli.main import build_parser
from swarmtui.core.config import Config, ConfigError, parse_config


def test_the_mouse_is_off_by_default() -> None:
    assert Config().mouse is False
    assert parse_config({}).mouse is False


def test_the_config_turns_it_on() -> None:
    assert parse_config({"mouse": True}).mouse is True


@pytest.mark.parametrize("value", ["yes", 1, "true"])
def test_only_true_or_false(value: object) -> None:
    with pytest.raises(ConfigError, match="mouse must be true or false"):
        parse_config({"mouse": value})


@pytest.mark.parametrize(
    ("argv", "expected"), [([], None), (["--mouse"], True), (["--no-mouse"], False)]
)
def test_the_flag_overrides_the_config_only_when_given(
    argv: list[str], expected: bool | None
) -> None:
    assert build_parser().parse_args(argv).mouse is expected
