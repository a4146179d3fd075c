"""A swarm node reached over SSH: `docker` run on the node, a shell there with a pty.

The node runs the docker CLI (as `ssh -t node docker exec -it ...` would): the jump host
needs none. The login follows ~/.ssh/config, the agent and ProxyJump, with swarmtui's own
known_hosts: a host seen for the first time raises HostKeyUnknown until its fingerprint is
confirmed.
"""

from __future__ import annotations

import contextlib
import json
import shlex
from collections.abc import Iterable
from typing import Any

import paramiko

from swarmtui.adapters.ssh.ssh_connection import (
    CONNECT_TIMEOUT,
    SshSession,
    SshTarget,
    connect,
)
from swarmtui.core.usage import ContainerUsage, by_requested_id, usage_from_cli_output
from swarmtui.machines.model import MachineError
from swarmtui.nodes.routes import NodeRoute

DOCKER_TIMEOUT = 30.0
STATS_FORMAT = "{{json .}}"
READ_SIZE = 65536
STATUS_WAIT_SECONDS = 2.0


class SshNodeConnection:
    """One SSH login to a node; every command and shell is a channel of it."""

    def __init__(self, route: NodeRoute, accept_fingerprints: Iterable[str] = ()) -> None:
        destination = route.ssh
        if destination is None:
            raise ValueError(f"route {route.kind} is not over SSH")
        self._route = route
        self._sudo = "sudo -n " if route.sudo else ""
        target = SshTarget(
            host=destination.host,
            user=destination.user,
            port=destination.port,
            key_path=destination.key_path,
            proxy_jump=destination.proxy_jump,
        )
        self._session: SshSession = connect(target, accept_fingerprints=accept_fingerprints)

    @property
    def description(self) -> str:
        return f"{self._route.label} ({self._session.target.display})"

    def container_running(self, container_id: str) -> bool | None:
        found = self._inspect(container_id, "{{.State.Running}}")
        return None if found is None else found.strip() == "true"

    def container_state(self, container_id: str) -> dict[str, Any] | None:
        found = self._inspect(container_id, "{{json .State}}")
        state = None if found is None else json.loads(found or "{}")
        return None if state is None else (state if isinstance(state, dict) else {})

    def _inspect(self, container_id: str, template: str) -> str | None:
        """`docker inspect -f TEMPLATE` of the container on the node; None when the node's
        engine does not know it."""
        line = f"{self._sudo}docker inspect -f {shlex.quote(template)} {shlex.quote(container_id)}"
        result = self._session.run(line, timeout=DOCKER_TIMEOUT)
        if result.code != 0:
            if "no such" in (result.stderr + result.stdout).lower():
                return None
            raise MachineError(
                f"`docker inspect` failed on {self.description}: "
                f"{(result.stderr or result.stdout).strip() or f'exit status {result.code}'}",
                "Check that docker runs on the node and that the SSH user may use it.",
            )
        return result.stdout

    def run_in_container(self, container_id: str, argv: tuple[str, ...]) -> tuple[int, str]:
        line = self._sudo + shlex.join(("docker", "exec", container_id, *argv))
        result = self._session.run(line, timeout=DOCKER_TIMEOUT)
        return result.code, result.stdout + result.stderr

    def container_usage(self, container_ids: tuple[str, ...]) -> dict[str, ContainerUsage]:
        """One `docker stats --no-stream` on the node for all of them. It prints the
        containers it found even when another one is gone (and then fails)."""
        if not container_ids:
            return {}
        argv = ("docker", "stats", "--no-stream", "--no-trunc", "--format", STATS_FORMAT)
        line = self._sudo + shlex.join((*argv, *container_ids))
        result = self._session.run(line, timeout=DOCKER_TIMEOUT)
        found = usage_from_cli_output(result.stdout)
        if result.code != 0 and not found and "no such container" not in result.stderr.lower():
            raise MachineError(
                f"`docker stats` failed on {self.description}: "
                f"{(result.stderr or result.stdout).strip() or f'exit status {result.code}'}",
                "Check that docker runs on the node and that the SSH user may use it.",
            )
        return by_requested_id(found, container_ids)

    def open_container_shell(
        self, container_id: str, argv: tuple[str, ...], columns: int, rows: int, term: str
    ) -> ChannelShellStream:
        line = self._sudo + shlex.join(("docker", "exec", "-it", container_id, *argv))
        return self._shell(line, columns, rows, term)

    def open_host_shell(
        self, argv: tuple[str, ...], columns: int, rows: int, term: str
    ) -> ChannelShellStream:
        return self._shell(shlex.join(argv) if argv else "", columns, rows, term)

    def _shell(self, command: str, columns: int, rows: int, term: str) -> ChannelShellStream:
        transport = self._session.client.get_transport()
        if transport is None or not transport.is_active():
            raise MachineError(f"The SSH connection to {self.description} is closed.")
        channel = transport.open_session(timeout=CONNECT_TIMEOUT)
        try:
            channel.get_pty(term=term or "xterm", width=columns, height=rows)
            if command:
                channel.exec_command(command)
            else:
                channel.invoke_shell()
        except BaseException:
            channel.close()
            raise
        return ChannelShellStream(channel)

    def close(self) -> None:
        self._session.close()


class ChannelShellStream:
    """A session channel with a pty: select-able, resized with window-change requests."""

    def __init__(self, channel: paramiko.Channel) -> None:
        self._channel = channel

    def fileno(self) -> int:
        return self._channel.fileno()

    def read(self) -> bytes:
        try:
            return bytes(self._channel.recv(READ_SIZE))
        except (OSError, paramiko.SSHException):
            return b""

    def buffered(self) -> bool:
        return self._channel.recv_ready()

    def write(self, data: bytes) -> None:
        self._channel.sendall(data)

    def resize(self, columns: int, rows: int) -> None:
        # the channel may be closing: its next read says so
        with contextlib.suppress(OSError, paramiko.SSHException):
            self._channel.resize_pty(width=columns, height=rows)

    def exit_status(self) -> int | None:
        self._channel.status_event.wait(STATUS_WAIT_SECONDS)  # it may trail the end of output
        if not self._channel.exit_status_ready():
            return None
        status = self._channel.recv_exit_status()
        return status if status >= 0 else None

    def close(self) -> None:
        self._channel.close()
