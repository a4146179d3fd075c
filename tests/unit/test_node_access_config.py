"""The config's `[nodes]` table, `[exec]` table and allow_exec_in_read_only."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmtui.core.config import Config, ConfigError, load_config, parse_config
from swarmtui.core.node_access import (
    ContextDestination,
    DestinationError,
    ExecSettings,
    NodeMapping,
    SshDestination,
    mapping_for,
    parse_destination,
)


def test_defaults_reach_no_node_by_config() -> None:
    config = parse_config({})
    assert config.nodes == ()
    assert config.exec == ExecSettings()
    assert config.exec.command == ()
    assert config.allow_exec_in_read_only is False


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ssh://admin@10.0.0.5:2222", SshDestination("10.0.0.5", "admin", 2222)),
        ("ssh://admin@worker1", SshDestination("worker1", "admin")),
        ("ssh://worker1.example.org", SshDestination("worker1.example.org")),
        ("SSH://ops@[fd00::5]:22", SshDestination("fd00::5", "ops", 22)),
        ("admin@10.0.0.5", SshDestination("10.0.0.5", "admin")),
        ("deploy.bot@node-3.lan", SshDestination("node-3.lan", "deploy.bot")),
        ("edge-jump", SshDestination("edge-jump")),
        ("  worker_7 ", SshDestination("worker_7")),
        ("fd00::7", SshDestination("fd00::7")),
        ("context:prod-db", ContextDestination("prod-db")),
        ("context:team.a+b_c", ContextDestination("team.a+b_c")),
    ],
)
def test_destinations(raw: str, expected: object) -> None:
    assert parse_destination(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("context:", "no valid docker context"),
        ("context:-x", "no valid docker context"),
        ("context:a b", "no valid docker context"),
        ("tcp://10.0.0.5:2375", "use ssh://"),
        ("http://worker1", "use ssh://"),
        ("ssh://", "invalid host"),
        ("ssh://admin@", "invalid host"),
        ("ssh://admin@worker1:99999", "out of range"),
        ("ssh://admin@worker1/docker", "no path"),
        ("ssh://admin@worker1?x=1", "no path"),
        ("ssh://-oProxyCommand=x@worker1", "invalid user"),
        ("-oProxyCommand=touch@x", "invalid user"),
        ("-oProxyCommand=x", "invalid host"),
        ("admin@-worker", "invalid host"),
        ("admin@worker 1", "invalid host"),
        ("@worker1", "invalid user"),
        ("admin@worker1:2222", "ssh://user@host:port"),
        ("admin@", "invalid host"),
    ],
)
def test_bad_destinations(raw: str, reason: str) -> None:
    with pytest.raises(DestinationError) as raised:
        parse_destination(raw)
    assert reason in str(raised.value)


def test_a_password_is_refused_and_not_repeated() -> None:
    with pytest.raises(DestinationError) as raised:
        parse_destination("ssh://admin:hunter2@worker1:22")
    assert "hunter2" not in str(raised.value)
    assert "no passwords" in str(raised.value)
    assert "admin:***@worker1:22" in str(raised.value)


def test_ssh_command_line_of_a_destination() -> None:
    full = SshDestination("10.0.0.5", "admin", 2222, "/home/me/.ssh/id_swarm", "ops@bastion")
    assert full.login == "admin@10.0.0.5"
    assert full.ssh_options() == ["-p", "2222", "-i", "/home/me/.ssh/id_swarm", "-J", "ops@bastion"]
    assert str(full) == "admin@10.0.0.5:2222"
    alias = SshDestination("edge-jump")
    assert alias.login == "edge-jump"
    assert alias.ssh_options() == []
    assert str(alias) == "edge-jump"
    assert str(ContextDestination("prod")) == "context:prod"


def test_nodes_table_keeps_file_order_and_first_match_wins() -> None:
    config = parse_config(
        {
            "nodes": {
                "worker1": "admin@10.0.0.21",
                "worker*": "ssh://ops@bastion:2222",
                "DB-[12]": "context:prod-db",
            }
        }
    )
    assert config.nodes == (
        NodeMapping("worker1", SshDestination("10.0.0.21", "admin")),
        NodeMapping("worker*", SshDestination("bastion", "ops", 2222)),
        NodeMapping("DB-[12]", ContextDestination("prod-db")),
    )
    assert mapping_for(config.nodes, "worker1") == config.nodes[0]
    assert mapping_for(config.nodes, "worker2") == config.nodes[1]
    assert mapping_for(config.nodes, "Worker10") == config.nodes[1]  # hostnames ignore case
    assert mapping_for(config.nodes, "db-2") == config.nodes[2]
    assert mapping_for(config.nodes, "db-3") is None
    assert mapping_for(config.nodes, "manager1") is None
    assert mapping_for(config.nodes, "") is None


@pytest.mark.parametrize(
    ("nodes", "words"),
    [
        ("worker1=admin@x", ["[nodes] maps"]),
        (["worker1"], ["[nodes] maps"]),
        ({"worker1": 22}, ["[nodes] 'worker1'", "must be a string"]),
        ({"worker1": {"ssh": "admin@x"}}, ["[nodes] 'worker1'", "must be a string"]),
        ({"worker1": "tcp://x:2375"}, ["[nodes] 'worker1'", "use ssh://"]),
        ({"worker1": "admin@x:22"}, ["[nodes] 'worker1'", "ssh://user@host:port"]),
        ({"": "admin@x"}, ["[nodes] ''", "fnmatch pattern"]),
        ({"worker 1": "admin@x"}, ["[nodes] 'worker 1'", "fnmatch pattern"]),
        ({"w/1": "admin@x"}, ["fnmatch pattern"]),
    ],
)
def test_bad_nodes_tables(nodes: object, words: list[str]) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config({"nodes": nodes})
    for word in words:
        assert word in str(raised.value)


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("bash", ("bash",)),
        ("bash -l", ("bash", "-l")),
        ("sh -c 'exec ash'", ("sh", "-c", "exec ash")),
        ("", ()),
        ("   ", ()),
    ],
)
def test_exec_command(command: str, argv: tuple[str, ...]) -> None:
    assert parse_config({"exec": {"command": command}}).exec.command == argv


@pytest.mark.parametrize(
    ("table", "word"),
    [
        ("bash", "[exec] is a table"),
        ({"command": ["bash"]}, "must be a string"),
        ({"command": 1}, "must be a string"),
        ({"command": "sh -c 'unclosed"}, "No closing quotation"),
        ({"command": "'' -l"}, "names no program"),
        ({"shell": "bash"}, "no setting 'shell'"),
        ({"allow_exec_in_read_only": True}, "at the top of the config"),
    ],
)
def test_bad_exec_tables(table: object, word: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config({"exec": table})
    assert word in str(raised.value)


@pytest.mark.parametrize("value", ["yes", 1, None, ["true"]])
def test_allow_exec_in_read_only_is_a_boolean(value: object) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config({"allow_exec_in_read_only": value})
    assert "allow_exec_in_read_only" in str(raised.value)


def test_load_file_with_nodes_and_exec(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "read_only = true\n"
        "allow_exec_in_read_only = true\n\n"
        "[nodes]\n"
        '"gpu-*" = "ssh://ops@bastion-gpu:2222"\n'
        'worker1 = "admin@10.0.0.21"\n'
        '"edge-?" = "edge-jump"\n'
        '"db-1" = "context:prod-db"\n\n'
        "[exec]\n"
        'command = "bash -l"\n'
    )
    config = load_config(path)
    assert config.read_only is True
    assert config.allow_exec_in_read_only is True
    assert [m.pattern for m in config.nodes] == ["gpu-*", "worker1", "edge-?", "db-1"]
    assert config.nodes[2].destination == SshDestination("edge-jump")
    assert config.exec.command == ("bash", "-l")
    assert config == Config(
        read_only=True,
        allow_exec_in_read_only=True,
        nodes=config.nodes,
        exec=ExecSettings(("bash", "-l")),
        path=path,
    )


def test_a_bad_entry_in_the_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[nodes]\n"worker-*" = "ssh://root:secret@w:22"\n')
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert "'worker-*'" in str(raised.value)
    assert "secret" not in str(raised.value)
