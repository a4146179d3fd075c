"""The user's TOML config: key remapping, refresh interval, theme, read-only, and how to
reach the nodes' engines for a shell (`[nodes]`, `[exec]`, see core/node_access)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from swarmtui.core.node_access import (
    DestinationError,
    ExecSettings,
    NodeMapping,
    parse_exec_table,
    parse_nodes_table,
)

DEFAULT_THEME = "textual-dark"


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Config:
    refresh_interval: float = 2.0
    theme: str = DEFAULT_THEME
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> comma-separated keys
    hosts: tuple[str, ...] = ()
    read_only: bool = False
    path: Path | None = None
    log_buffer_lines: int = 10_000  # lines a log view keeps (a ring buffer)
    nodes: tuple[NodeMapping, ...] = ()  # [nodes]: node hostname or pattern -> destination
    exec: ExecSettings = field(default_factory=ExecSettings)
    allow_exec_in_read_only: bool = False  # k9s refuses shells in read-only mode too
    # [contexts.NAME] read_only = true: read-only while connected to that context (a docker
    # context's name, a config host's URL, "machine NAME")
    read_only_contexts: tuple[str, ...] = ()
    # Off by default: mouse reporting takes the terminal's own selection (copy over SSH) away,
    # and every action has a key. `--mouse` / `mouse = true` turn it on.
    mouse: bool = False


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "swarmtui"


def default_config_path() -> Path:
    return config_dir() / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file gives the defaults, a broken one a ConfigError."""
    target = path or default_config_path()
    if not target.exists():
        return Config(path=target)
    try:
        data = tomllib.loads(target.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{target}: {exc}") from exc
    return parse_config(data, target)


def parse_config(data: dict[str, object], path: Path | None = None) -> Config:
    interval = data.get("refresh_interval", 2.0)
    if (
        isinstance(interval, bool)  # TOML `true` is no number of seconds
        or not isinstance(interval, int | float)
        or not 0.5 <= float(interval) <= 300
    ):
        raise ConfigError("refresh_interval must be a number of seconds between 0.5 and 300")
    theme = data.get("theme", DEFAULT_THEME)
    if not isinstance(theme, str):
        raise ConfigError("theme must be a string")
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keys.items()
    ):
        raise ConfigError('[keys] maps binding ids to keys, e.g. refresh = "f5"')
    hosts = data.get("hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise ConfigError("hosts must be a list of endpoint URLs")
    read_only = data.get("read_only", False)
    if not isinstance(read_only, bool):
        raise ConfigError("read_only must be true or false")
    log_buffer_lines = data.get("log_buffer_lines", 10_000)
    if (
        not isinstance(log_buffer_lines, int)
        or isinstance(log_buffer_lines, bool)
        or not 100 <= log_buffer_lines <= 1_000_000
    ):
        raise ConfigError("log_buffer_lines must be a whole number between 100 and 1000000")
    allow_exec = data.get("allow_exec_in_read_only", False)
    if not isinstance(allow_exec, bool):
        raise ConfigError("allow_exec_in_read_only must be true or false")
    read_only_contexts = parse_contexts_table(data.get("contexts", {}))
    mouse = data.get("mouse", False)
    if not isinstance(mouse, bool):
        raise ConfigError("mouse must be true or false")
    try:
        nodes = parse_nodes_table(data.get("nodes", {}))
        exec_settings = parse_exec_table(data.get("exec", {}))
    except DestinationError as exc:
        raise ConfigError(str(exc)) from exc
    return Config(
        nodes=nodes,
        exec=exec_settings,
        allow_exec_in_read_only=allow_exec,
        log_buffer_lines=log_buffer_lines,
        refresh_interval=float(interval),
        read_only=read_only,
        theme=theme,
        keys=dict(keys),
        hosts=tuple(hosts),
        path=path,
        read_only_contexts=read_only_contexts,
        mouse=mouse,
    )


def parse_contexts_table(table: object) -> tuple[str, ...]:
    """The contexts `[contexts.NAME] read_only = true` makes read-only."""
    if not isinstance(table, dict):
        raise ConfigError('[contexts] holds one table per context: [contexts."prod"]')
    names = []
    for name, settings in table.items():
        if not isinstance(settings, dict) or set(settings) - {"read_only"}:
            raise ConfigError(f'[contexts."{name}"] takes only read_only = true or false')
        read_only = settings.get("read_only", False)
        if not isinstance(read_only, bool):
            raise ConfigError(f'[contexts."{name}"] read_only must be true or false')
        if read_only:
            names.append(str(name))
    return tuple(names)
