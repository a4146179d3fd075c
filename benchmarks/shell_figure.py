"""Figure 11: a shell in a task on a worker, from the key to the shell's prompt on screen,
beside the same shell opened by hand.

A lab of one manager and two workers with sshd; one service pinned to worker1. The console
runs in a real pty with the task selected; each run writes `e`, waits for the shell's prompt,
types `exit` and waits for the console to be back. Two consoles: one with `--lab` (worker1's
published engine: the dind route) and one without (a `[nodes]` entry mapping worker1 to
root@its address, its host key already in swarmtui's known_hosts: the SSH route). Each `e`
opens a new connection, checks the container and probes it for bash before the exec, as it
does for the user. The first `e` of a console is reported apart (the first modal of a
session costs more); the figure is the median of the RUNS after it.

By hand, in the same kind of pty: `docker -H <worker1's engine> exec -it CONTAINER sh` and
`ssh -t root@<worker1> docker exec -it CONTAINER sh` (a key and a known_hosts made for the
run), timed from spawning the command (process start included: typing it costs that too) to
the prompt. The image is the lab's busybox workload: no bash, so every route runs sh, whose
prompt as root in / is `/ # `.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.figures import Figure, Log
from benchmarks.pty_app import PtyApp
from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import (
    Lab,
    LabNode,
    lab_add_ssh_key,
    lab_node_host_keys,
    lab_up,
)
from swarmtui.core.endpoints import Endpoint

WORKER = "worker1"
SERVICE = "bench-shell"
PROMPT = "/ # "
# The console's line before the shell's first byte, then the prompt: nothing the console
# itself paints can pass for it.
CONSOLE_PROMPT = re.compile(rf"\[swarmtui\] shell in {SERVICE}\.1 on {WORKER}:.*?/ # ", re.S)
TIMEOUT = 60.0
TARGET_S = 1.0  # from the key to a prompt: ours, the issue names none
SETTLE_SECONDS = 1.0  # between runs: the console repainted, the last connection closed


@dataclass(frozen=True)
class ShellBench:
    """What every run needs: the lab, the worker, the task's container, and the homes."""

    lab: Lab
    worker: LabNode
    task_id: str
    container: str
    key: Path  # the private key the nodes accept
    known_hosts: Path  # worker1's host keys, openssh's format
    lab_home: Path  # a console home with nothing in it: only the dind route answers
    ssh_home: Path  # a console home with [nodes], the key and swarmtui's known_hosts


def _pinned_spec() -> dict[str, Any]:
    return {
        "Name": SERVICE,
        "TaskTemplate": {
            "ContainerSpec": {"Image": WORKLOAD_IMAGE, "Args": ["sleep", "1d"]},
            "Placement": {"Constraints": [f"node.hostname=={WORKER}"]},
        },
        "Mode": {"Replicated": {"Replicas": 1}},
    }


def _remove_service(manager_url: str) -> None:
    client = engine_client(manager_url)
    try:
        for service in client.api.services(filters={"name": SERVICE}):
            client.api.remove_service(service["ID"])
    finally:
        client.close()


def _start_service(manager_url: str) -> tuple[str, str]:
    """(task id, container id) of the pinned service's task, once it runs."""
    _remove_service(manager_url)
    backend = DockerBackend(Endpoint(manager_url, "bench"), timeout=120)
    try:
        service_id = backend.mutator().create_service(_pinned_spec())
    finally:
        backend.close()
    client = engine_client(manager_url)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for task in client.api.tasks(filters={"service": service_id}):
                status = task.get("Status") or {}
                container = (status.get("ContainerStatus") or {}).get("ContainerID", "")
                if status.get("State") == "running" and container:
                    return str(task["ID"]), str(container)
            time.sleep(0.5)
    finally:
        client.close()
    raise TimeoutError(f"{SERVICE} did not run on {WORKER} within 120 s")


def _prepare(lab: Lab, tmp: Path) -> ShellBench:
    worker = next(n for n in lab.nodes if n.name == WORKER)
    task_id, container = _start_service(lab.manager_url)
    ssh_home = tmp / "ssh-home"
    ssh_dir = ssh_home / ".ssh"
    ssh_dir.mkdir(parents=True, mode=0o700)
    key = ssh_dir / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "swarmtui-bench", "-f", str(key)],
        check=True,
        capture_output=True,
    )
    lab_add_ssh_key(lab.name, key.with_suffix(".pub").read_text())
    host_keys = lab_node_host_keys(worker.address)
    known_hosts = tmp / "known_hosts"
    known_hosts.write_text(host_keys)
    config = ssh_home / ".config" / "swarmtui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[nodes]\n"{WORKER}" = "root@{worker.address}"\n')
    # swarmtui's known_hosts takes the same `host keytype base64` lines as openssh's.
    trusted = ssh_home / ".local" / "share" / "swarmtui" / "known_hosts"
    trusted.parent.mkdir(parents=True, mode=0o700)
    trusted.write_text(host_keys)
    lab_home = tmp / "lab-home"
    lab_home.mkdir()
    return ShellBench(lab, worker, task_id, container, key, known_hosts, lab_home, ssh_home)


def _remove_key(lab: Lab, key: Path) -> None:
    public = key.with_suffix(".pub").read_text().strip()
    script = 'f=/root/.ssh/authorized_keys; grep -vxF "$1" "$f" > "$f.new"; mv "$f.new" "$f"'
    client = engine_client()
    try:
        for node in lab.nodes:
            client.containers.get(node.container_id).exec_run(["sh", "-c", script, "sh", public])
    finally:
        client.close()


def _home_env(home: Path) -> dict[str, str]:
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "SSH_AUTH_SOCK": "",  # no agent: the key of HOME only
    }


@dataclass
class ConsoleTimes:
    """Seconds from writing `e` to: the modal saying it connects, the console's line before
    the shell (the terminal handed over), the shell's prompt; one entry per `e`."""

    modal: list[float] = field(default_factory=list)
    handed_over: list[float] = field(default_factory=list)
    prompt: list[float] = field(default_factory=list)

    @property
    def first(self) -> float:
        return self.prompt[0]

    @property
    def after_first(self) -> list[float]:
        return self.prompt[1:]


def _console_times(
    bench: ShellBench, args: Sequence[str], home: Path, route_mark: str, runs: int
) -> ConsoleTimes:
    """`e` RUNS + 1 times in one console (the first apart: its modal is the first of the
    session); the journal must then name ROUTE_MARK (the worker's engine URL, or the SSH
    login): the route taken."""
    app = PtyApp(args, cols=120, rows=40, env=_home_env(home))
    try:
        app.must_show(bench.task_id[:12], app.started, TIMEOUT, "task in the tasks pane")
        app.send(f"/{SERVICE}\r3".encode())  # the service filtered, the tasks pane focused
        time.sleep(SETTLE_SECONDS)
        times = ConsoleTimes()
        for _ in range(runs + 1):
            sent = time.monotonic()
            app.send(b"e")
            prompt = app.must_show(CONSOLE_PROMPT, sent, TIMEOUT, "shell prompt after e")
            times.prompt.append(prompt - sent)
            times.handed_over.append(
                app.must_show("[swarmtui] shell in", sent, TIMEOUT, "banner") - sent
            )
            times.modal.append(app.must_show("Connecting", sent, TIMEOUT, "modal") - sent)
            left = time.monotonic()
            app.send(b"exit\r")
            app.must_show("ended", left, TIMEOUT, "console back after exit")
            time.sleep(SETTLE_SECONDS)
        opened = time.monotonic()
        app.send(b"J")
        app.must_show(route_mark, opened, TIMEOUT, f"journal naming {route_mark}")
        return times
    finally:
        app.close()


def _by_hand_times(program: Sequence[str], runs: int, env: Mapping[str, str]) -> list[float]:
    """Seconds from spawning PROGRAM in a pty to the shell's prompt, RUNS times."""
    times = []
    for _ in range(runs):
        app = PtyApp(program=program, env=env)
        try:
            times.append(
                app.must_show(PROMPT, app.started, TIMEOUT, f"prompt of {program[0]}") - app.started
            )
            app.send(b"exit\r")
            app.process.wait(30)
        finally:
            app.close()
        time.sleep(SETTLE_SECONDS)
    return times


def _docker_cli() -> str:
    local = Path("/usr/local/bin/docker")
    return str(local) if local.exists() else shutil.which("docker") or "docker"


def _spread(times: list[float]) -> str:
    return (
        f"{statistics.median(times) * 1000:.0f} ms "
        f"({min(times) * 1000:.0f}-{max(times) * 1000:.0f})"
    )


def shell_prompt(lab_name: str, runs: int, log: Log) -> Figure:
    lab = lab_up(lab_name, 1, 2, sshd=True, log=log)
    with tempfile.TemporaryDirectory(prefix="swarmtui-bench-shell-") as tmp:
        try:
            bench = _prepare(lab, Path(tmp))
            try:
                figure = _measure(bench, runs, log)
            finally:
                _remove_key(lab, bench.key)
        finally:
            _remove_service(lab.manager_url)
    return figure


def _measure(bench: ShellBench, runs: int, log: Log) -> Figure:
    short = bench.container[:12]
    address = bench.worker.address
    manager = bench.lab.manager_url
    by_docker = [_docker_cli(), "-H", bench.worker.api_url, "exec", "-it", short, "sh"]
    by_ssh = [
        *("ssh", "-t", "-F", "/dev/null", "-i", str(bench.key), "-o", "IdentitiesOnly=yes"),
        *("-o", f"UserKnownHostsFile={bench.known_hosts}", "-o", "StrictHostKeyChecking=yes"),
        *("-o", "BatchMode=yes", "-o", "LogLevel=ERROR"),
        *(f"root@{address}", "docker", "exec", "-it", short, "sh"),
    ]
    cli_engine = _by_hand_times(by_docker, runs, {})
    log(f"docker -H exec -it by hand: {_spread(cli_engine)}")
    lab_args = ["--host", manager, "--lab", bench.lab.name]
    dind = _console_times(bench, lab_args, bench.lab_home, bench.worker.api_url, runs)
    log(f"e, dind route: {_spread(dind.after_first)}, first {dind.first * 1000:.0f} ms")
    cli_ssh = _by_hand_times(by_ssh, runs, {"SSH_AUTH_SOCK": ""})
    log(f"ssh -t docker exec -it by hand: {_spread(cli_ssh)}")
    ssh = _console_times(bench, ["--host", manager], bench.ssh_home, f"root@{address}", runs)
    log(f"e, SSH route: {_spread(ssh.after_first)}, first {ssh.first * 1000:.0f} ms")
    dind_median = statistics.median(dind.after_first)
    ssh_median = statistics.median(ssh.after_first)
    return Figure(
        f"11. Shell in a task on a worker: key to prompt, median (range) of {runs}",
        f"`e`: {_spread(dind.after_first)} dind route, {_spread(ssh.after_first)} SSH route; "
        f"the first `e` of a console {dind.first * 1000:.0f} / {ssh.first * 1000:.0f} ms",
        f"{_spread(cli_engine)} `docker -H <worker engine> exec -it`, "
        f"{_spread(cli_ssh)} `ssh -t root@<worker> docker exec -it` (spawn to prompt)",
        f"< {TARGET_S:.0f} s, each route",
        dind_median < TARGET_S and ssh_median < TARGET_S,
        note=f"key to the modal (median) {statistics.median(dind.modal[1:]) * 1000:.0f} / "
        f"{statistics.median(ssh.modal[1:]) * 1000:.0f} ms, to the terminal handed over "
        f"{statistics.median(dind.handed_over[1:]) * 1000:.0f} / "
        f"{statistics.median(ssh.handed_over[1:]) * 1000:.0f} ms",
        raw={
            "dind": asdict(dind),
            "ssh": asdict(ssh),
            "cli_engine_s": cli_engine,
            "cli_ssh_s": cli_ssh,
            "runs_after_first": runs,
        },
    )
