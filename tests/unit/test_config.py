"""The TOML config file: defaults, valid values and clear errors for bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmtui.core.config import (
    DEFAULT_THEME,
    Config,
    ConfigError,
    default_config_path,
    load_config,
    parse_config,
)


def test_defaults() -> None:
    config = parse_config({})
    assert config == Config()
    assert config.refresh_interval == 2.0
    assert config.theme == DEFAULT_THEME
    assert config.keys == {}
    assert config.hosts == ()
    assert config.read_only is False


def test_valid_config() -> None:
    path = Path("/etc/swarmtui.toml")
    config = parse_config(
        {
            "refresh_interval": 5,
            "theme": "gruvbox",
            "keys": {"refresh": "f5", "quit": "ctrl+q,q"},
            "hosts": ["tcp://10.0.0.5:2375", "ssh://admin@manager2"],
            "read_only": True,
        },
        path,
    )
    assert config.refresh_interval == 5.0
    assert isinstance(config.refresh_interval, float)
    assert config.theme == "gruvbox"
    assert config.keys == {"refresh": "f5", "quit": "ctrl+q,q"}
    assert config.hosts == ("tcp://10.0.0.5:2375", "ssh://admin@manager2")
    assert config.read_only is True
    assert config.path == path


@pytest.mark.parametrize("interval", [0.5, 1, 2.5, 300])
def test_interval_bounds_accepted(interval: float) -> None:
    assert parse_config({"refresh_interval": interval}).refresh_interval == float(interval)


@pytest.mark.parametrize("interval", [0, 0.1, -2, 301, 1e9, "2", "fast", True, [2], None])
def test_bad_interval(interval: object) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config({"refresh_interval": interval})
    assert "refresh_interval" in str(raised.value)


@pytest.mark.parametrize(
    "keys",
    ["f5", ["refresh", "f5"], {"refresh": 5}, {"refresh": ["f5", "r"]}, {"refresh": None}],
)
def test_bad_keys(keys: object) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config({"keys": keys})
    assert "[keys]" in str(raised.value)


@pytest.mark.parametrize(
    ("data", "word"),
    [
        ({"theme": 3}, "theme"),
        ({"hosts": "tcp://10.0.0.5:2375"}, "hosts"),
        ({"hosts": ["tcp://10.0.0.5:2375", 2375]}, "hosts"),
        ({"read_only": "yes"}, "read_only"),
        ({"read_only": 1}, "read_only"),
    ],
)
def test_bad_values(data: dict[str, object], word: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    assert word in str(raised.value)


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "config.toml"
    assert load_config(path) == Config(path=path)


def test_load_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'refresh_interval = 1.5\ntheme = "nord"\nhosts = ["tcp://m1:2375"]\n\n'
        '[keys]\nrefresh = "f5"\nhelp = "f1"\n'
    )
    config = load_config(path)
    assert config.refresh_interval == 1.5
    assert config.theme == "nord"
    assert config.hosts == ("tcp://m1:2375",)
    assert config.keys == {"refresh": "f5", "help": "f1"}
    assert config.path == path


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("refresh_interval = \n[keys\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(path) in str(raised.value)


def test_bad_value_in_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("refresh_interval = true\n")
    with pytest.raises(ConfigError):
        load_config(path)


def test_default_path_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_config_path() == tmp_path / "swarmtui" / "config.toml"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_config_path() == tmp_path / "home" / ".config" / "swarmtui" / "config.toml"
