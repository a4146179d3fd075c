"""What the console loads when first used: paramiko behind docker-py, the machine engine."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from swarmtui.cli.deferred_machines import DeferredMachines
from swarmtui.machines.model import MachineError, MachineRecord, MachineStatus


def run_python(code: str) -> str:
    """stdout of CODE in a fresh interpreter (sys.modules as a process starts)."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def test_docker_imports_without_loading_paramiko_once_deferred() -> None:
    out = run_python(
        """
        import sys
        from swarmtui.adapters.ssh.deferred_paramiko import defer_paramiko, paramiko_loaded
        defer_paramiko()
        import docker
        print(paramiko_loaded(), "paramiko.transport" in sys.modules)
        """
    )
    assert out == "False False"


def test_the_first_use_loads_the_real_paramiko() -> None:
    """docker-py's `import paramiko` kept the stand-in: it still hands out the real things,
    the same objects as the real module's, whichever way they are reached."""
    out = run_python(
        """
        import sys
        from swarmtui.adapters.ssh.deferred_paramiko import defer_paramiko, paramiko_loaded
        defer_paramiko()
        from docker.transport import sshconn
        client = sshconn.paramiko.SSHClient
        import paramiko
        from paramiko import SSHException
        from paramiko.client import SSHClient
        print(paramiko_loaded(), client is paramiko.SSHClient is SSHClient)
        print(SSHException is sys.modules["paramiko"].SSHException)
        """
    )
    assert out.splitlines() == ["True True", "True"]


def test_threads_using_it_first_at_once_share_one_load() -> None:
    out = run_python(
        """
        import threading
        from swarmtui.adapters.ssh.deferred_paramiko import defer_paramiko
        defer_paramiko()
        from docker.transport import sshconn
        start, found = threading.Barrier(8), []
        def use():
            start.wait()
            found.append(sshconn.paramiko.Transport)
        threads = [threading.Thread(target=use) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        import paramiko
        print(len(found), all(t is paramiko.Transport for t in found))
        """
    )
    assert out == "8 True"


def test_deferring_after_the_real_import_changes_nothing() -> None:
    out = run_python(
        """
        import sys
        import paramiko
        from swarmtui.adapters.ssh.deferred_paramiko import defer_paramiko, paramiko_loaded
        defer_paramiko()
        print(sys.modules["paramiko"] is paramiko, paramiko_loaded())
        """
    )
    assert out == "True True"


class FakeConnected:
    """What DeferredMachines forwards to: the calls it got."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.manager = self

    def machines(self) -> list[MachineRecord]:
        self.calls.append("machines")
        return []

    def list_machines(self) -> list[tuple[MachineRecord, MachineStatus]]:
        self.calls.append("list")
        return []

    def start(self, name: str, log: object) -> None:
        self.calls.append(f"start {name}")


def test_the_machine_engine_is_built_once_when_first_used() -> None:
    built: list[FakeConnected] = []

    def build() -> FakeConnected:
        built.append(FakeConnected())
        return built[-1]

    machines = DeferredMachines(build)  # type: ignore[arg-type]
    assert built == []
    assert machines.records() == []
    machines.list_machines()
    machines.start("m1", print)
    assert len(built) == 1
    assert built[0].calls == ["machines", "list", "start m1"]


def test_drivers_that_cannot_load_make_every_use_say_so() -> None:
    attempts: list[int] = []

    def build() -> FakeConnected:
        attempts.append(1)
        raise ImportError("No module named 'paramiko'")

    machines = DeferredMachines(build)  # type: ignore[arg-type]
    for use in (machines.records, machines.list_machines):
        with pytest.raises(MachineError, match="Machines unavailable: No module named"):
            use()
    assert attempts == [1]
