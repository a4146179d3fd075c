"""Preflight of an existing host over SSH: what it is, and whether it can join a swarm.

Read-only: it looks, it changes nothing.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import Any

from swarmtui.adapters.ssh.ssh_connection import SshSession

SWARM_PORTS: tuple[tuple[int, str], ...] = (
    (2377, "tcp"),
    (7946, "tcp"),
    (7946, "udp"),
    (4789, "udp"),
)
INSTALLABLE_OS = ("debian", "ubuntu")
DOCKER_INFO = "docker info --format '{{json .}}'"
_TCP_LISTEN = "0A"


@dataclass(frozen=True)
class PreflightReport:
    os_id: str = ""
    os_version: str = ""
    os_name: str = ""
    kernel: str = ""
    architecture: str = ""
    is_root: bool = False
    sudo: str = ""  # "" for root; "ok"; "password" (sudo wants one); "missing"
    docker_version: str = ""  # "" when docker is not installed
    docker_running: bool = False
    live_restore: bool | None = None
    swarm_state: str = ""
    busy_ports: tuple[str, ...] = ()  # "2377/tcp" ... held by something else
    problems: tuple[str, ...] = ()  # blocking, in plain words
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def docker_missing(self) -> bool:
        return not self.docker_version

    @property
    def can_install_docker(self) -> bool:
        return self.os_id in INSTALLABLE_OS

    def lines(self) -> list[str]:
        """The report as the console and the CLI show it, one check per line."""
        docker = self.docker_version or "not installed"
        if self.docker_version and not self.docker_running:
            docker += " (daemon not answering)"
        rows = [
            f"OS: {self.os_name or self.os_id or 'unknown'} ({self.kernel or '?'}, "
            f"{self.architecture or '?'})",
            "user: root" if self.is_root else f"user: non-root, sudo {self.sudo or '?'}",
            f"docker: {docker}",
        ]
        if self.docker_running:
            restore = {True: "ON", False: "off", None: "?"}[self.live_restore]
            rows.append(f"live-restore: {restore}; swarm: {self.swarm_state or '?'}")
        rows.append(
            "swarm ports: "
            + (", ".join(self.busy_ports) + " in use" if self.busy_ports else "free")
        )
        rows += [f"note: {n}" for n in self.notes]
        rows += [f"problem: {p}" for p in self.problems]
        return rows


def sudo_prefix(needed: bool) -> str:
    """What goes before a command that needs root: sudo that never waits for a password."""
    return "sudo -n " if needed else ""


def info_json(output: str) -> dict[str, Any]:
    """The output of DOCKER_INFO as JSON; {} when it is none."""
    try:
        data = json.loads(output)
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def run_preflight(session: SshSession) -> PreflightReport:
    problems: list[str] = []
    notes: list[str] = []
    kernel = session.run("uname -s").stdout.strip()
    if kernel and kernel != "Linux":
        problems.append(f"The host runs {kernel}, not Linux: swarm nodes must be Linux hosts.")
    os_release = _parse_os_release(session.run("cat /etc/os-release").stdout)
    arch = session.run("uname -m").stdout.strip()
    is_root = session.run("id -u").stdout.strip() == "0"
    sudo = ""
    if not is_root:
        probe = session.run("command -v sudo >/dev/null && sudo -n true")
        if probe.code == 0:
            sudo = "ok"
        elif session.run("command -v sudo").code != 0:
            sudo = "missing"
            problems.append(
                f"{session.target.user} is not root and sudo is not installed: docker swarm "
                "join needs root rights. Connect as root, or install sudo."
            )
        else:
            sudo = "password"
            problems.append(
                f"sudo asks {session.target.user} for a password; swarmtui cannot type one. "
                f"Allow it without one (a sudoers line '{session.target.user} ALL=(ALL) "
                "NOPASSWD: ALL'), or connect as root."
            )
    prefix = sudo_prefix(not is_root)
    version = session.run(f"{prefix}docker version --format '{{{{.Server.Version}}}}'")
    docker_version, running = version.stdout.strip(), version.code == 0
    if not running:
        client = session.run("docker --version")
        if client.code == 0:
            docker_version = client.stdout.strip().removeprefix("Docker version ").split(",")[0]
            notes.append("docker is installed but its daemon does not answer")
        else:
            docker_version = ""
    live_restore: bool | None = None
    swarm_state = ""
    if running:
        info = session.run(prefix + DOCKER_INFO)
        data = info_json(info.stdout) if info.code == 0 else {}
        live_restore = data.get("LiveRestoreEnabled")
        swarm_state = str((data.get("Swarm") or {}).get("LocalNodeState", ""))
        if live_restore:
            problems.append(
                "live-restore is on in the Docker daemon, and swarm mode refuses it. Turn it off "
                "in /etc/docker/daemon.json (swarmtui never changes daemon settings)."
            )
    busy = _busy_ports(session) if swarm_state in ("", "inactive") else ()
    if busy:
        problems.append(
            f"Ports {', '.join(busy)} are in use by another program; a swarm node needs them."
        )
    os_id = os_release.get("ID", "")
    if not docker_version and os_id not in INSTALLABLE_OS:
        problems.append(
            f"Docker is not installed, and swarmtui installs it only on Debian or Ubuntu "
            f"(this is {os_release.get('PRETTY_NAME', os_id or 'an unknown OS')}). "
            "Install Docker Engine yourself."
        )
    return PreflightReport(
        os_id=os_id,
        os_version=os_release.get("VERSION_ID", ""),
        os_name=os_release.get("PRETTY_NAME", ""),
        kernel=kernel,
        architecture=arch,
        is_root=is_root,
        sudo=sudo,
        docker_version=docker_version,
        docker_running=running,
        live_restore=live_restore,
        swarm_state=swarm_state,
        busy_ports=busy,
        problems=tuple(problems),
        notes=tuple(notes),
    )


def _parse_os_release(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, raw = line.partition("=")
        if not sep or not key.strip() or key.startswith("#"):
            continue
        try:
            parts = shlex.split(raw)
        except ValueError:
            parts = [raw.strip('"')]
        values[key.strip()] = parts[0] if parts else ""
    return values


def _busy_ports(session: SshSession) -> tuple[str, ...]:
    """Swarm ports bound on the host, read from /proc/net (needs no tool and no root)."""
    bound: set[tuple[int, str]] = set()
    for proto in ("tcp", "udp"):
        text = session.run(f"cat /proc/net/{proto} /proc/net/{proto}6 2>/dev/null").stdout
        for line in text.splitlines():
            fields = line.split()
            if len(fields) < 4 or ":" not in fields[1] or fields[0] == "sl":
                continue
            try:
                port = int(fields[1].rsplit(":", 1)[1], 16)
            except ValueError:
                continue
            if proto == "tcp" and fields[3] != _TCP_LISTEN:
                continue
            bound.add((port, proto))
    return tuple(f"{port}/{proto}" for port, proto in SWARM_PORTS if (port, proto) in bound)
