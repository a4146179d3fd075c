"""Adopting an SSH host that has no Docker, end to end: the host is a container of the node
image with docker.io purged and sshd running (no engine), reached as a non-root user with
passwordless sudo. Nothing is installed until the user confirms, in the console or with
--install-docker; then `apt-get install docker.io` runs there for real and the host joins the
lab swarm. A user whose sudo wants a password gets a plain explanation and changes nothing.

The host's apt source is a local file repository holding the docker.io package this machine
installed for itself (or downloads from its Debian mirror), so the test sends no traffic
beyond the containers it made. The container has no init system: a two-line `systemctl`
stands in for systemd's unit start (the packaged init script cannot raise its file limit in
a container without CAP_SYS_RESOURCE).
"""

from __future__ import annotations

import atexit
import glob
import io
import subprocess
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers.demo_app import open_machine_dialog
from helpers.pilot import running, static_text, swarm_app, wait_until
from textual.widgets import Input, Select

from swarmtui.adapters.docker.dind_container import CAPABILITY_FIRST, start_dind_container
from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.images import NODE_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.adapters.ssh.ssh_driver import SshDriver
from swarmtui.core.endpoints import Endpoint
from swarmtui.machines.manager import ConnectedMachineService, MachineManager
from swarmtui.machines.model import CreateRequest, DockerMissing, HostKeyUnknown, MachineError
from swarmtui.machines.store import MachineStore
from swarmtui.session.cluster_access import BackendAccess

INSTALL_TIMEOUT = 240.0
SYSTEMCTL_STAND_IN = """#!/bin/sh
case "$*" in *docker*) setsid dockerd </dev/null >/var/log/dockerd.log 2>&1 & ;; *) exit 1 ;; esac
"""
PREPARE_HOST = r"""
set -e
dpkg --purge docker.io >/dev/null
cd /srv/debs
for deb in *.deb; do
    dpkg-deb -f "$deb"
    echo "Filename: ./$deb"
    echo "Size: $(stat -c %s "$deb")"
    echo "SHA256: $(sha256sum "$deb" | cut -d' ' -f1)"
    echo
done >Packages
echo 'deb [trusted=yes] file:/srv/debs ./' >/etc/apt/sources.list
rm -rf /var/lib/apt/lists/*
chmod 755 /usr/local/bin/systemctl
for user in deploy asker; do
    useradd -m -s /bin/sh "$user"
    usermod -p '*' "$user"
    mkdir -p "/home/$user/.ssh"
    cp /root/.ssh/authorized_keys "/home/$user/.ssh/"
    chown -R "$user:$user" "/home/$user/.ssh"
done
echo 'deploy ALL=(ALL) NOPASSWD: ALL' >/etc/sudoers.d/deploy
echo 'asker ALL=(ALL) ALL' >/etc/sudoers.d/asker
"""


@dataclass(frozen=True)
class BareHost:
    address: str
    container: Any
    key: Path

    def has_docker(self) -> bool:
        code, _ = self.container.exec_run(["sh", "-c", "command -v dockerd"])
        return bool(code == 0)


def _docker_deb(workdir: Path) -> Path:
    cached = sorted(glob.glob("/var/cache/apt/archives/docker.io_*.deb"))
    if cached:
        return Path(cached[-1])
    # Not cached (apt cleaned up after itself): fetch it from this machine's Debian mirror.
    subprocess.run(["apt-get", "download", "-q", "docker.io"], cwd=workdir, check=True)
    return next(workdir.glob("docker.io_*.deb"))


def _tar(files: dict[str, bytes], mode: int = 0o644) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _wait_sshd(container: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while container.exec_run(["sh", "-c", "test -s /run/sshd.pid"])[0] != 0:
        if time.monotonic() > deadline:
            raise AssertionError("sshd did not start in the bare host")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def bare_host(
    engine: Any, lab_swarm: Lab, run_id: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BareHost]:
    name = f"swarmtui-b{run_id}"
    volume = f"{name}-docker"

    def remove() -> None:
        for container in engine.containers.list(all=True, filters={"name": f"^{name}$"}):
            container.remove(force=True, v=True)
        for found in engine.volumes.list(filters={"name": volume}):
            if found.name == volume:
                found.remove(force=True)

    atexit.register(remove)
    try:
        workdir = tmp_path_factory.mktemp("bare")
        key = workdir / "id_ed25519"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        container_id, _ = start_dind_container(
            engine,
            CAPABILITY_FIRST,
            image=NODE_IMAGE,
            name=name,
            hostname=f"b{run_id}",
            labels={"swarmtui.test": run_id},
            volume=volume,
            network=lab_swarm.network,
            environment={"SWARMTUI_SSHD": "1", "SWARMTUI_DOCKERD": "0"},
            log=print,
        )
        container = engine.containers.get(container_id)
        _wait_sshd(container)
        deb = _docker_deb(workdir)
        container.exec_run(["mkdir", "-p", "/srv/debs"])
        assert container.put_archive("/srv/debs", _tar({deb.name: deb.read_bytes()}))
        public = key.with_suffix(".pub").read_bytes()
        assert container.put_archive("/root/.ssh", _tar({"authorized_keys": public}, 0o600))
        stand_in = SYSTEMCTL_STAND_IN.encode()
        assert container.put_archive("/usr/local/bin", _tar({"systemctl": stand_in}, 0o755))
        code, out = container.exec_run(["sh", "-c", PREPARE_HOST])
        assert code == 0, out.decode()
        container.reload()
        address = container.attrs["NetworkSettings"]["Networks"][lab_swarm.network]["IPAddress"]
        host = BareHost(address, container, key)
        assert not host.has_docker()
        yield host
    finally:
        remove()
        atexit.unregister(remove)


def _fingerprint(host: BareHost, user: str) -> str:
    request = CreateRequest(
        name="probe", driver="ssh", host=host.address, ssh_user=user, ssh_key_path=str(host.key)
    )
    with pytest.raises(HostKeyUnknown) as unknown:
        SshDriver().preflight(request, print)
    return unknown.value.fingerprint


def test_sudo_wanting_a_password_is_explained(bare_host: BareHost, home: Path) -> None:
    store = MachineStore()
    manager = MachineManager(store, {"ssh": SshDriver()})
    request = CreateRequest(
        name="asker-host",
        driver="ssh",
        host=bare_host.address,
        ssh_user="asker",
        ssh_key_path=str(bare_host.key),
        accept_fingerprint=_fingerprint(bare_host, "asker"),
        install_docker=True,
    )
    with pytest.raises(MachineError) as failure:
        manager.create(request, print)
    assert "sudo asks asker for a password" in failure.value.message
    assert "NOPASSWD" in failure.value.message
    assert store.list() == [] and not bare_host.has_docker()


def test_cli_installs_nothing_without_confirmation(
    bare_host: BareHost, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from swarmtui.cli.main import main

    argv = ["machine", "create", "nodock", "--driver", "ssh", "--host", bare_host.address]
    argv += ["--user", "deploy", "--key", str(bare_host.key)]
    argv += ["--yes-fingerprint", _fingerprint(bare_host, "deploy")]
    assert main(argv) == 1  # not a terminal: no prompt
    out = capsys.readouterr()
    assert "Docker is not installed on" in out.err
    assert "apt-get install -y docker.io" in out.err
    assert "--install-docker" in out.out
    assert MachineStore().list() == [] and not bare_host.has_docker()


async def test_console_installs_docker_after_confirmation_and_joins(
    bare_host: BareHost, lab_swarm: Lab, manager_client: Any, home: Path, run_id: str
) -> None:
    name = f"b{run_id}-adopted"
    backend = DockerBackend(Endpoint(lab_swarm.manager_url, "test"))
    manager = MachineManager(MachineStore(), {"ssh": SshDriver()})
    app = swarm_app(lab_swarm.manager_url)
    app.session.machines = ConnectedMachineService(manager, lambda: BackendAccess(lambda: backend))
    node_id = ""
    try:
        async with running(app) as pilot:
            dialog = await open_machine_dialog(pilot)
            dialog.query_one("#field-driver", Select).value = "ssh"
            dialog.query_one("#field-role", Select).value = "worker"
            await pilot.pause()
            for field, value in {
                "name": name,
                "host": bare_host.address,
                "ssh_user": "deploy",
                "ssh_key_path": str(bare_host.key),
            }.items():
                dialog.query_one(f"#field-{field}", Input).value = value
            await pilot.pause()
            await pilot.press("ctrl+s")
            await wait_until(
                pilot, lambda: isinstance(dialog.pending, HostKeyUnknown), "the host key question"
            )
            await pilot.press("ctrl+t")
            await wait_until(
                pilot, lambda: isinstance(dialog.pending, DockerMissing), "the install question"
            )
            await pilot.press("enter")  # the focused answer: do not install
            await wait_until(pilot, lambda: dialog.pending is None, "the refusal")
            assert not bare_host.has_docker()
            assert manager.machines() == []

            await pilot.press("ctrl+s")
            # The host key may be asked again: swarmtui keeps it once a machine was made.
            question = await wait_until(pilot, lambda: dialog.pending, "a question")
            if isinstance(question, HostKeyUnknown):
                await pilot.press("ctrl+t")
            await wait_until(
                pilot, lambda: isinstance(dialog.pending, DockerMissing), "the install question"
            )
            started = time.monotonic()
            await pilot.press("ctrl+y")
            await wait_until(
                pilot,
                lambda: not dialog.running,
                "the installation and the join",
                timeout=INSTALL_TIMEOUT,
            )
            print(f"installed docker.io and joined in {time.monotonic() - started:.1f} s")
            record = dialog.created
            assert record is not None, static_text(app, "#modal-error")
            assert bare_host.has_docker()
            node_id = record.extra["node_id"]
            node = manager_client.nodes.get(node_id)
            assert node.attrs["Spec"]["Role"] == "worker"
            assert node.attrs["Status"]["State"] == "ready"
            assert record.extra["sudo"] == "1" and record.ssh_user == "deploy"
            entry = app.session.journal.entries[-1]
            assert entry.ok and "--install-docker" in entry.command
            manager.leave(name, print, BackendAccess(lambda: backend))
            manager.remove(name, print)
    finally:
        backend.close()
        if node_id:
            for node in manager_client.nodes.list():
                if node.id == node_id:
                    node.remove(force=True)
