"""The ssh machine driver end to end against a real sshd: a node of a small lab of its own
(sshd and dockerd, out of any swarm), reached with a generated key; host keys kept in a
temporary swarmtui known_hosts; joined to the shared lab's swarm as a worker and back out."""

from __future__ import annotations

import atexit
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paramiko
import pytest

from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.lab import Lab, lab_add_ssh_key, lab_down, lab_up
from swarmtui.adapters.ssh.ssh_connection import SshTarget, connect, known_hosts_path
from swarmtui.adapters.ssh.ssh_driver import SshDriver
from swarmtui.core.endpoints import Endpoint
from swarmtui.machines.manager import MachineManager
from swarmtui.machines.model import (
    CreateRequest,
    HostKeyChanged,
    HostKeyUnknown,
    MachineError,
    MachineRecord,
)
from swarmtui.machines.store import MachineStore
from swarmtui.session.cluster_access import BackendAccess


@dataclass(frozen=True)
class Target:
    address: str  # on its own lab's network, reachable from the host
    shared_address: str  # on the shared lab's network
    container_id: str
    key: Path
    wrong_key: Path
    fingerprints: frozenset[str]  # of every host key of its sshd (ssh-keygen -l)


def _write_key(path: Path) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path.with_suffix(".pub").read_text().strip()


@pytest.fixture(scope="module")
def target(
    engine: Any, lab_swarm: Lab, run_id: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    name = f"swarmtui-s{run_id}"

    def remove() -> None:
        lab_down(name)

    atexit.register(remove)
    try:
        lab = lab_up(name, 1, 0, sshd=True, load_images=())
        node = lab.managers[0]
        with_client = engine_client(node.api_url)
        try:
            with_client.swarm.leave(force=True)  # a host outside any swarm, to adopt
        finally:
            with_client.close()
        keys = tmp_path_factory.mktemp("keys")
        public = _write_key(keys / "id_ed25519")
        _write_key(keys / "other_ed25519")
        lab_add_ssh_key(name, public)
        container = engine.containers.get(node.container_id)
        engine.networks.get(lab_swarm.network).connect(container)
        container.reload()
        shared = container.attrs["NetworkSettings"]["Networks"][lab_swarm.network]["IPAddress"]
        code, out = container.exec_run(
            ["sh", "-c", "for f in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf $f; done"]
        )
        assert code == 0, out
        prints = frozenset(line.split()[1] for line in out.decode().splitlines())
        _wait_port(node.address, 22)
        yield Target(
            node.address,
            shared,
            node.container_id,
            keys / "id_ed25519",
            keys / "other_ed25519",
            prints,
        )
    finally:
        remove()
        atexit.unregister(remove)


def _wait_port(host: str, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _request(target: Target, name: str, **kw: Any) -> CreateRequest:
    values: dict[str, Any] = {
        "name": name,
        "driver": "ssh",
        "host": target.address,
        "ssh_user": "root",
        "ssh_key_path": str(target.key),
    }
    values.update(kw)
    return CreateRequest(**values)


def _manager(tmp_path: Path) -> MachineManager:
    return MachineManager(MachineStore(tmp_path / "machines.json"), {"ssh": SshDriver()})


def test_host_key_unknown_wrong_and_accepted(
    target: Target, home: Path, tmp_path: Path, run_id: str
) -> None:
    manager = _manager(tmp_path)
    name = f"s{run_id}-hk"
    with pytest.raises(HostKeyUnknown) as unknown:
        manager.create(_request(target, name), print)
    fingerprint = unknown.value.fingerprint
    assert fingerprint in target.fingerprints
    assert fingerprint in unknown.value.message
    assert not known_hosts_path().exists()
    wrong = "SHA256:" + "A" * 43
    with pytest.raises(HostKeyUnknown, match="not the fingerprint you confirmed") as refused:
        manager.create(_request(target, name, accept_fingerprint=wrong), print)
    assert refused.value.fingerprint == fingerprint
    assert not known_hosts_path().exists()
    assert manager.machines() == []

    record = manager.create(_request(target, name, accept_fingerprint=fingerprint), print)
    assert record.host_key_fingerprint == fingerprint
    assert record.engine_url == f"ssh://root@{target.address}:22"
    assert record.ssh_key_path == str(target.key)
    assert manager.store.get(name) == record
    lines = known_hosts_path().read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{target.address} ")
    assert oct(known_hosts_path().stat().st_mode & 0o777) == "0o600"
    assert not (home / ".ssh" / "known_hosts").exists()
    # Known now: no confirmation needed; a run goes through.
    assert manager.driver("ssh").run(record, ["hostname"], print).strip() == "manager1"
    assert manager.status(name).state == "running"

    # The host's key changes (another key saved for it): refused, clearly.
    other = paramiko.Ed25519Key.from_private_key_file(str(target.wrong_key))
    known_hosts_path().write_text(f"{target.address} ssh-ed25519 {other.get_base64()}\n")
    with pytest.raises(HostKeyChanged, match="Refusing"):
        connect(SshTarget(target.address, "root", 22, str(target.key)))
    with pytest.raises(HostKeyChanged):
        # Even a confirmed fingerprint does not override a changed key.
        connect(
            SshTarget(target.address, "root", 22, str(target.key)),
            accept_fingerprints=[fingerprint],
        )
    manager.remove(name, print)
    assert manager.machines() == []


def test_preflight_report(target: Target, home: Path, tmp_path: Path) -> None:
    driver = SshDriver()
    with pytest.raises(HostKeyUnknown) as unknown:
        driver.preflight(_request(target, "x"), print)
    request = _request(target, "x", accept_fingerprint=unknown.value.fingerprint)
    report = driver.preflight(request, print)
    assert report.ok, report.problems
    assert report.os_id == "debian"
    assert report.architecture in ("x86_64", "aarch64")
    assert report.kernel == "Linux"
    assert report.is_root and report.sudo == ""
    assert report.docker_version.startswith("20.10") and report.docker_running
    assert report.live_restore is False
    assert report.swarm_state == "inactive"
    assert report.busy_ports == ()
    assert any(line.startswith("docker: 20.10") for line in report.lines())


def test_wrong_key_and_unreachable_are_explained(
    target: Target, home: Path, tmp_path: Path, run_id: str
) -> None:
    manager = _manager(tmp_path)
    existing = MachineRecord(name=f"s{run_id}-taken", driver="ssh", address="192.0.2.1")
    manager.store.add(existing)
    before = manager.store.path.read_bytes()
    with pytest.raises(HostKeyUnknown) as unknown:
        SshDriver().preflight(_request(target, "x"), print)
    fp = unknown.value.fingerprint

    with pytest.raises(MachineError, match="Authentication failed") as auth:
        manager.create(
            _request(
                target, f"s{run_id}-k", ssh_key_path=str(target.wrong_key), accept_fingerprint=fp
            ),
            print,
        )
    assert "authorized_keys" in auth.value.hint

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    # Said as a refusal (not a timeout after waiting): the message is the behaviour.
    with pytest.raises(MachineError, match="refused the connection"):
        manager.create(_request(target, f"s{run_id}-u", host="127.0.0.1", ssh_port=closed), print)

    with pytest.raises(MachineError, match="already exists"):
        manager.create(_request(target, existing.name, accept_fingerprint=fp), print)
    assert manager.store.path.read_bytes() == before


def test_proxy_jump(target: Target, home: Path, tmp_path: Path) -> None:
    """Through a jump host (the node itself) to its loopback: direct-tcpip channel as sock."""
    jump = SshTarget(target.address, "root", 22, str(target.key))
    with pytest.raises(HostKeyUnknown) as unknown:
        connect(jump)
    fp = unknown.value.fingerprint
    via = SshTarget("127.0.0.1", "root", 22, str(target.key), proxy_jump=f"root@{target.address}")
    with connect(via, accept_fingerprints=[fp]) as session:
        assert session.jumps
        result = session.run("hostname; echo err >&2; exit 3")
    assert (result.code, result.stdout.strip(), result.stderr.strip()) == (3, "manager1", "err")
    assert len(known_hosts_path().read_text().splitlines()) == 2


def test_join_as_worker_and_leave(
    target: Target, lab_swarm: Lab, manager_client: Any, home: Path, tmp_path: Path, run_id: str
) -> None:
    manager = _manager(tmp_path)
    name = f"s{run_id}-join"
    backend = DockerBackend(Endpoint(lab_swarm.manager_url, "test"))
    lines: list[str] = []
    node_id = ""
    try:
        with pytest.raises(HostKeyUnknown) as unknown:
            SshDriver().preflight(_request(target, name), print)
        request = _request(
            target, name, role="worker", accept_fingerprint=unknown.value.fingerprint
        )
        started = time.monotonic()
        record = manager.create(request, lines.append, BackendAccess(lambda: backend))
        print(f"adopted and joined over ssh in {time.monotonic() - started:.1f} s")
        node_id = record.extra["node_id"]
        node = manager_client.nodes.get(node_id)
        assert node.attrs["Status"]["State"] == "ready"
        assert node.attrs["Spec"]["Role"] == "worker"
        # The advertise address is the one on the network the manager reaches.
        assert node.attrs["Status"]["Addr"] == target.shared_address == record.address
        assert all("SWMTKN-1-" not in line or "<masked>" in line for line in lines)
        assert any("<masked>" in line for line in lines)

        manager.leave(name, lines.append, BackendAccess(lambda: backend))
        assert node_id not in {n.id for n in manager_client.nodes.list()}
        assert manager.status(name).swarm_state == "inactive"
        assert manager.store.get(name).role is None
        manager.remove(name, lines.append)
        assert manager.machines() == []
    finally:
        backend.close()
        for node in manager_client.nodes.list():
            if node.id == node_id:
                node.remove(force=True)
        client = engine_client(f"tcp://{target.address}:2375", timeout=10)
        try:
            if client.info()["Swarm"]["LocalNodeState"] != "inactive":
                client.swarm.leave(force=True)
        finally:
            client.close()


def test_cli_asks_for_the_fingerprint(
    target: Target, home: Path, run_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from swarmtui.cli.machine import ssh_argv
    from swarmtui.cli.main import main
    from swarmtui.machines.store import MachineStore

    name = f"s{run_id}-cli"
    argv = ["machine", "create", name, "--driver", "ssh", "--host", target.address]
    argv += ["--user", "root", "--key", str(target.key)]
    assert main(argv) == 1  # not a terminal: no prompt, the fingerprint is printed
    out = capsys.readouterr()
    fingerprint = next(f for f in target.fingerprints if f in out.err)
    assert f"--yes-fingerprint {fingerprint}" in out.out
    assert MachineStore().list() == []
    assert main([*argv, "--yes-fingerprint", fingerprint]) == 0
    record = MachineStore().get(name)
    assert ssh_argv(record, ["true"])[:3] == [
        "ssh",
        "-o",
        f"UserKnownHostsFile={known_hosts_path()}",
    ]
    # What `swarmtui machine ssh NAME -- hostname` execs: OpenSSH's client, strict about the
    # host key swarmtui recorded, and the key file of the record.
    batch = ssh_argv(record, ["hostname"])
    batch[1:1] = ["-o", "BatchMode=yes"]
    done = subprocess.run(batch, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "manager1"
    assert main(["machine", "ls"]) == 0
    assert name in capsys.readouterr().out
    assert main(["machine", "rm", name]) == 0
    assert MachineStore().list() == []
