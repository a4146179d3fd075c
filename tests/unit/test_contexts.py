"""Where the console can connect: docker contexts read from the docker CLI's files, the
config's hosts, manager machines; per-context read-only and the session's switch."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from swarmtui.core.config import Config, ConfigError, parse_config
from swarmtui.core.contexts import (
    config_host_choices,
    docker_context_names,
    docker_contexts,
    startup_context_name,
)
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.models import SwarmEvent
from swarmtui.demo.cluster import DemoBackend
from swarmtui.machines.contexts import machine_choices
from swarmtui.machines.model import LAB_KEY, MachineRecord
from swarmtui.ports import ClusterBackend
from swarmtui.session.failover import FailoverPlan
from swarmtui.session.session import Connected, Session


def write_context(config_dir: Path, name: str, host: str, tls: bool = False) -> None:
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = config_dir / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    endpoint = {"Host": host, "SkipTLSVerify": False}
    body = {"Name": name, "Metadata": {"Description": "x"}, "Endpoints": {"docker": endpoint}}
    (meta / "meta.json").write_text(json.dumps(body))
    if tls:
        tls_dir = config_dir / "contexts" / "tls" / digest / "docker"
        tls_dir.mkdir(parents=True)
        (tls_dir / "ca.pem").write_text("ca")


def test_docker_contexts_from_the_cli_files(tmp_path: Path) -> None:
    write_context(tmp_path, "prod", "tcp://10.0.0.5:2376", tls=True)
    write_context(tmp_path, "lab", "ssh://root@lab1")
    broken = tmp_path / "contexts" / "meta" / "junk"
    broken.mkdir()
    (broken / "meta.json").write_text("{not json")
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "prod"}))
    env = {"DOCKER_CONFIG": str(tmp_path)}
    assert docker_context_names(env) == ["default", "lab", "prod"]
    by_name = {c.name: c for c in docker_contexts(env)}
    assert by_name["default"].endpoint == Endpoint("unix:///var/run/docker.sock", "context default")
    prod = by_name["prod"]
    assert prod.endpoint is not None and prod.endpoint.url == "tcp://10.0.0.5:2376"
    assert prod.endpoint.tls is not None and prod.endpoint.tls.ca_cert is not None
    assert prod.detail == "docker context (current)"
    assert by_name["lab"].where == "ssh://root@lab1" and by_name["lab"].detail == "docker context"
    # DOCKER_CONTEXT wins over config.json, as for the docker CLI
    current = [
        c.name for c in docker_contexts(env | {"DOCKER_CONTEXT": "lab"}) if "current" in c.detail
    ]
    assert current == ["lab"]


def test_no_docker_folder_leaves_the_default(tmp_path: Path) -> None:
    choices = docker_contexts(
        {"DOCKER_CONFIG": str(tmp_path / "none"), "DOCKER_HOST": "tcp://h:2375"}
    )
    assert [(c.name, c.where) for c in choices] == [("default", "tcp://h:2375")]
    assert "current" in choices[0].detail


def test_a_context_with_a_bad_host_is_listed_with_why(tmp_path: Path) -> None:
    write_context(tmp_path, "odd", "http:/nowhere")
    odd = next(c for c in docker_contexts({"DOCKER_CONFIG": str(tmp_path)}) if c.name == "odd")
    assert odd.endpoint is None and "no scheme" in odd.error


def test_config_hosts_and_machines() -> None:
    hosts = config_host_choices(["tcp://10.0.0.9:2375", "bogus"])
    assert hosts[0].name == "tcp://10.0.0.9:2375" and hosts[0].endpoint is not None
    assert hosts[1].endpoint is None and "scheme" in hosts[1].error
    records = [
        MachineRecord("m1", "dind", "10.0.0.2", "manager", engine_url="tcp://127.0.0.1:32771"),
        MachineRecord("w1", "dind", "10.0.0.3", "worker", engine_url="tcp://127.0.0.1:32772"),
        MachineRecord("m2", "ssh", "10.0.0.4", None),
        MachineRecord(
            "lab-m1",
            "dind",
            "10.0.0.5",
            "manager",
            engine_url="tcp://127.0.0.1:32773",
            extra={LAB_KEY: "swarmtui-lab"},
        ),
    ]
    choices = machine_choices(records)
    assert [(c.name, c.where) for c in choices] == [
        ("machine m1", "tcp://127.0.0.1:32771"),
        ("machine lab-m1", "tcp://127.0.0.1:32773"),
    ]
    assert choices[1].detail == "manager of lab swarmtui-lab"


def test_startup_context_name() -> None:
    assert startup_context_name([Endpoint("unix:///x", "context prod")]) == "prod"
    assert startup_context_name([Endpoint("unix:///x", "default")]) == "default"
    assert startup_context_name([Endpoint("tcp://h:1", "--host")]) == ""
    two = [Endpoint("tcp://h:1", "context a"), Endpoint("tcp://h:2", "context b")]
    assert startup_context_name(two) == ""


def test_per_context_read_only_in_the_config() -> None:
    config = parse_config({"contexts": {"prod": {"read_only": True}, "lab": {"read_only": False}}})
    assert config.read_only_contexts == ("prod",)
    for bad in ({"prod": {"read_only": "yes"}}, {"prod": {"colour": 1}}, ["prod"]):
        with pytest.raises(ConfigError):
            parse_config({"contexts": bad})


def test_switching_reconnects_elsewhere_and_applies_read_only() -> None:
    opened: list[str] = []

    def open_backend(endpoint: Endpoint) -> ClusterBackend:
        opened.append(endpoint.url)
        return DemoBackend()

    first = Endpoint("tcp://127.0.0.1:2375", "--host")
    session = Session(
        lambda: open_backend(first),
        Config(read_only_contexts=("prod",)),
        failover=FailoverPlan([first], open_backend),
    )
    assert isinstance(session.connect(), Connected)
    session.model.events.add(SwarmEvent("node", "update", "n", (), 1))
    assert session.can_switch and not session.read_only
    session.switch_to(Endpoint("tcp://10.9.9.9:2375", "context prod"), "prod")
    assert not session.connected and session.model.events.events() == []
    assert session.read_only and session.context_name == "prod"
    assert isinstance(session.connect(), Connected)
    assert opened == ["tcp://127.0.0.1:2375", "tcp://10.9.9.9:2375"]
    assert session.endpoint_label == "tcp://10.9.9.9:2375"
    session.close()


def test_a_console_without_an_opener_cannot_switch() -> None:
    session = Session(DemoBackend)
    assert not session.can_switch
    with pytest.raises(Exception, match="cannot connect elsewhere"):
        session.switch_to(Endpoint("tcp://h:1", "x"), "x")
