"""The ssh://root@NODE endpoint against the real sshd of a lab node (paramiko via docker-py)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers.lab_ssh import remove_key

from swarmtui.adapters.docker.docker_backend import connect
from swarmtui.adapters.docker.engine_setup import ensure_tools
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab, LabNode, lab_add_ssh_key, lab_node_host_keys
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.models import SwarmEvent


def log(message: str) -> None:
    print(f"[ssh] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class SshSetup:
    home: Path  # a HOME with .ssh/id_ed25519 and .ssh/known_hosts for the manager
    node: LabNode
    known_hosts_line: str

    @property
    def url(self) -> str:
        return f"ssh://root@{self.node.address}"


@pytest.fixture(scope="module")
def ssh_setup(
    engine: Any, lab_swarm: Lab, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SshSetup]:
    ensure_tools({"ssh-keygen": "openssh-client", "ssh-keyscan": "openssh-client"}, log)
    home = tmp_path_factory.mktemp("ssh-home")
    ssh_dir = home / ".ssh"
    ssh_dir.mkdir(mode=0o700)
    key = ssh_dir / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "swarmtui-test", "-f", str(key)],
        check=True,
        capture_output=True,
    )
    public_key = key.with_suffix(".pub").read_text().strip()
    node = lab_swarm.managers[0]
    lab_add_ssh_key(lab_swarm.name, public_key)
    try:
        known = lab_node_host_keys(node.address)
        (ssh_dir / "known_hosts").write_text(known)
        yield SshSetup(home, node, known)
    finally:
        remove_key(engine, lab_swarm, public_key)


@pytest.fixture
def ssh_home(ssh_setup: SshSetup, monkeypatch: pytest.MonkeyPatch) -> SshSetup:
    """Point HOME at the prepared folder: paramiko reads ~/.ssh from there."""
    monkeypatch.setenv("HOME", str(ssh_setup.home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    (ssh_setup.home / ".ssh" / "known_hosts").write_text(ssh_setup.known_hosts_line)
    return ssh_setup


def test_ssh_endpoint_reads_the_swarm(ssh_home: SshSetup) -> None:
    started = time.monotonic()
    backend = connect([Endpoint(ssh_home.url, "--host")])
    try:
        connected = time.monotonic() - started
        info = backend.engine_info()
        nodes = backend.nodes()
        print(f"ssh connect {connected:.2f} s, info+nodes {time.monotonic() - started:.2f} s")
        assert backend.endpoint_display == ssh_home.url
        assert info.swarm_state == "active" and info.is_manager
        assert info.name == "manager1" and (info.managers, info.nodes) == (1, 3)
        assert sorted(n.hostname for n in nodes) == ["manager1", "worker1", "worker2"]
        assert [n.hostname for n in nodes if n.is_self] == ["manager1"]
        assert backend.request_count >= 2
    finally:
        backend.close()


def test_ssh_event_stream_delivers_and_closes(
    ssh_home: SshSetup, manager_client: Any, unique_name: str
) -> None:
    backend = connect([Endpoint(ssh_home.url, "--host")])
    stream = backend.subscribe_events()
    seen: list[SwarmEvent] = []
    got_ours = threading.Event()

    def read() -> None:
        try:
            for event in stream:
                seen.append(event)
                if event.attribute("name") == unique_name:
                    got_ours.set()
        except Exception:  # the closed channel may surface as an error: that is fine
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    service: Any = None
    try:
        service = manager_client.services.create(
            WORKLOAD_IMAGE,
            command=["ping", "127.0.0.1"],
            name=unique_name,
            mode={"Replicated": {"Replicas": 0}},
        )
        assert got_ours.wait(60), f"no service event over ssh; saw {seen}"
        ours = [e for e in seen if e.attribute("name") == unique_name]
        assert ours[0].type == "service" and ours[0].action == "create"
        assert ours[0].actor_id == service.id
    finally:
        started = time.monotonic()
        stream.close()
        reader.join(30)  # an event stream never ends by itself: only close() ends the reader
        closed_in = time.monotonic() - started
        backend.close()
        if service is not None:
            service.remove()
    assert not reader.is_alive(), "closing the ssh event stream did not unblock its reader"
    print(f"ssh event stream closed in {closed_in:.3f} s")


def test_unknown_host_key_is_a_clear_backend_error(ssh_home: SshSetup) -> None:
    (ssh_home.home / ".ssh" / "known_hosts").write_text("")
    with pytest.raises(BackendError) as caught:
        connect([Endpoint(ssh_home.url, "--host")])
    error = caught.value
    assert error.kind is ProblemKind.UNREACHABLE
    assert ssh_home.url in error.message
    assert "known_hosts" in error.message
    assert "known_hosts" in error.hint


def test_changed_host_key_is_a_clear_backend_error(ssh_home: SshSetup, tmp_path: Path) -> None:
    other = tmp_path / "other_host_key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)],
        check=True,
        capture_output=True,
    )
    key_type, key_data = other.with_suffix(".pub").read_text().split()[:2]
    (ssh_home.home / ".ssh" / "known_hosts").write_text(
        f"{ssh_home.node.address} {key_type} {key_data}\n"
    )
    with pytest.raises(BackendError) as caught:
        connect([Endpoint(ssh_home.url, "--host")])
    error = caught.value
    assert error.kind is ProblemKind.UNREACHABLE
    assert ssh_home.url in error.message
    assert "host key" in error.message.lower()
    assert "known_hosts" in error.hint
