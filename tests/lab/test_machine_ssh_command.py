"""`swarmtui machine ssh NAME [-- COMMAND...]`, `machine stop NAME` and `machine start NAME` for
a dind machine, run as the user runs them: subprocesses of the console script's module (ssh with
and without a terminal on stdin), against a machine store isolated by XDG_DATA_HOME."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest

from swarmtui.adapters.docker.dind_driver import DindDriver, container_name, volume_name
from swarmtui.adapters.docker.engine_setup import LOCAL_ENGINE_URL
from swarmtui.adapters.docker.images import NODE_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.cli.machine import ssh_argv
from swarmtui.machines.manager import MachineManager
from swarmtui.machines.model import CreateRequest, MachineRecord
from swarmtui.machines.store import MachineStore


@pytest.fixture
def machine(engine: Any, lab_swarm: Lab, run_id: str, data_home: Path) -> Iterator[MachineRecord]:
    """A dind machine in the default store, out of any swarm; removed also after a failure."""
    store = MachineStore()
    driver = DindDriver(node_image=NODE_IMAGE, network=lab_swarm.network, load_images=())
    name = f"m{run_id}-ssh"
    try:
        yield MachineManager(store, {"dind": driver}).create(
            CreateRequest(name=name, driver="dind"), print
        )
    finally:
        left = store.find(name)
        if left is not None:
            driver.remove(left, print)
        with contextlib.suppress(docker.errors.NotFound):
            engine.containers.get(container_name(name)).remove(force=True, v=True)
        with contextlib.suppress(docker.errors.NotFound):
            engine.volumes.get(volume_name(name)).remove(force=True)


def _machine_ssh(*args: str) -> list[str]:
    return [sys.executable, "-m", "swarmtui", "machine", "ssh", *args]


def _machine_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "swarmtui", "machine", *args],
        env=_env(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def _env(tmp_path: Path) -> dict[str, str]:
    """DOCKER_HOST pointing nowhere: the machine is reached on the local engine regardless
    (and a console started by mistake brings up no lab)."""
    return {**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock"}


def test_dind_argv_asks_for_a_terminal_only_when_there_is_one() -> None:
    record = MachineRecord(
        name="m1", driver="dind", address="", extra={"container": "swarmtui-machine-m1"}
    )
    local = ["docker", "-H", LOCAL_ENGINE_URL, "exec"]
    assert ssh_argv(record, ["hostname"], tty=False) == [
        *local,
        "-i",
        "swarmtui-machine-m1",
        "hostname",
    ]
    assert ssh_argv(record, [], tty=True) == [*local, "-i", "-t", "swarmtui-machine-m1", "sh"]


def test_machine_ssh_runs_the_command_without_a_terminal(
    machine: MachineRecord, tmp_path: Path
) -> None:
    result = _machine_cli(tmp_path, "ssh", machine.name, "--", "hostname")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{machine.name}\n", "")
    # Without `--`, and a command with options of its own.
    result = _machine_cli(tmp_path, "ssh", machine.name, "sh", "-c", "echo $((6 * 7)); exit 3")
    assert (result.returncode, result.stdout) == (3, "42\n")


def test_machine_ssh_in_a_terminal(machine: MachineRecord, tmp_path: Path) -> None:
    """With a terminal on stdin the command gets one too (docker exec -it)."""
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            _machine_ssh(machine.name, "--", "sh", "-c", "tty >/dev/null && hostname"),
            env=_env(tmp_path),
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
        )
    finally:
        os.close(terminal)
    try:
        output = _read_until_closed(controller, timeout=30)
        code = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(controller)
    assert (code, output.replace("\r\n", "\n")) == (0, f"{machine.name}\n")


def _read_until_closed(fd: int, timeout: float) -> str:
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: every process holding the terminal has exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def test_machine_ssh_to_an_unknown_machine(data_home: Path, tmp_path: Path) -> None:
    result = _machine_cli(tmp_path, "ssh", "nosuch", "--", "hostname")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("swarmtui: There is no machine named 'nosuch'.")
    assert "swarmtui machine ls" in result.stderr
    assert "Traceback" not in result.stderr


def _ls_state(tmp_path: Path, name: str) -> str:
    """The STATE column of NAME's row in `machine ls` (NAME DRIVER ADDRESS ROLE STATE ...)."""
    result = _machine_cli(tmp_path, "ls")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.split()[0] == name)
    return row.split()[4]


def test_machine_stop_then_start(machine: MachineRecord, engine: Any, tmp_path: Path) -> None:
    """Stopped: its container is not running and `machine ls` says so. Started again: the
    engine URL in the store answers (the engine may publish its API on another port)."""
    started = time.monotonic()
    container = container_name(machine.name)
    stop = _machine_cli(tmp_path, "stop", machine.name)
    assert (stop.returncode, stop.stderr) == (0, ""), stop.stderr
    assert stop.stdout.splitlines() == [f"stopping {container}", f"{machine.name}: stopped"]
    assert engine.containers.get(container).attrs["State"]["Running"] is False
    assert _ls_state(tmp_path, machine.name) == "stopped"
    print(f"machine stop + ls in {time.monotonic() - started:.1f} s")

    start = _machine_cli(tmp_path, "start", machine.name)
    assert (start.returncode, start.stderr) == (0, ""), start.stderr
    record = MachineStore().get(machine.name)
    lines = start.stdout.splitlines()
    assert lines[0] == f"starting {container}"
    assert f"{machine.name} is up: engine {record.engine_url}" in lines
    assert lines[-1] == f"{machine.name}: started"
    assert engine.containers.get(container).attrs["State"]["Running"] is True
    version = subprocess.run(
        ["docker", "-H", record.engine_url, "version", "--format", "{{.Server.Version}}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip()
    assert _ls_state(tmp_path, machine.name) == "running"
    print(f"machine stop + start + checks in {time.monotonic() - started:.1f} s")


def test_machine_start_and_stop_refused(data_home: Path, tmp_path: Path) -> None:
    """An unknown name, and an adopted (ssh) host, which swarmtui never starts or stops: exit
    1, the plain explanation on stderr, no traceback, nothing contacted."""
    MachineStore().add(
        MachineRecord(name="edge", driver="ssh", address="192.0.2.10", ssh_user="admin")
    )
    for action in ("stop", "start"):
        result = _machine_cli(tmp_path, action, "nosuch")
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr.startswith("swarmtui: There is no machine named 'nosuch'.")
        assert "swarmtui machine ls" in result.stderr
        assert "Traceback" not in result.stderr

        result = _machine_cli(tmp_path, action, "edge")
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr == (
            "swarmtui: edge is an existing host: swarmtui does not start or stop it.\n"
        )
