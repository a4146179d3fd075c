"""A shell in a task's container (or on a node), planned before anything is opened.

The plan says what will run and where: the shell (typed, else `[exec] command`, else bash
when the container has it, else sh), the route to the node's engine, and the equivalent
command line that is shown and journalled (`ssh -t worker1 docker exec -it CONTAINER sh`).
What cannot work is refused here with a plain message, before the console hands the
terminal over: read-only mode, a task not running or without a container, a node gone, down
or unreachable.

Pure: the adapters carry a plan out (engine exec over a hijacked socket, or `docker exec`
over an SSH channel with a pty), see docs/exec-design.md.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace
from typing import Literal

from swarmtui.core.models import Node, Task
from swarmtui.core.secrets import mask_secrets
from swarmtui.nodes.routes import NodeRoute

ShellSource = Literal["typed", "config", "auto"]
# Run (without a tty) in the container before the shell, while the console still owns the
# terminal: exit 0 with a path = bash is there; exit 0 and nothing = no bash, use sh;
# 126/127 = no sh either (busybox's `command -v` itself answers 127 for a missing bash, so
# the probe turns every answer of its own into 0).
BASH_PROBE = ("sh", "-c", "command -v bash || true")
# What the auto shell is before the probe answered: the same choice made by sh itself.
SHELL_PICKER = ("sh", "-c", "command -v bash >/dev/null && exec bash || exec sh")
_EXEC_NOT_FOUND = (126, 127)
SHORT_ID = 12


class ExecRefused(Exception):
    """No shell can be opened; MESSAGE says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


READ_ONLY_EXEC_MESSAGE = (
    "Read-only mode: swarmtui opens no shells. Set allow_exec_in_read_only = true in the "
    "config to allow them."
)


@dataclass(frozen=True)
class ShellChoice:
    """The command run in the container; empty ARGV: bash, else sh (found by BASH_PROBE)."""

    argv: tuple[str, ...]
    source: ShellSource

    @property
    def needs_probe(self) -> bool:
        return not self.argv


def choose_shell(typed: str = "", configured: tuple[str, ...] = ()) -> ShellChoice:
    """The command typed at the prompt, else `[exec] command`, else bash-else-sh."""
    if typed.strip():
        try:
            argv = tuple(shlex.split(typed))
        except ValueError as exc:
            raise ExecRefused(f"Cannot run {typed.strip()!r}: {exc}.") from exc
        if not argv or not argv[0]:
            raise ExecRefused(f"{typed.strip()!r} names no program to run.")
        return ShellChoice(argv, "typed")
    if configured:
        return ShellChoice(configured, "config")
    return ShellChoice((), "auto")


def shell_after_probe(exit_code: int, output: str) -> tuple[str, ...]:
    """The auto shell from BASH_PROBE's answer; ExecRefused when the image has no sh."""
    if exit_code == 0 and output.strip():
        return ("bash",)
    if exit_code in _EXEC_NOT_FOUND:
        raise ExecRefused(
            "The container has no shell (neither bash nor sh). Type the command to run "
            "(e.g. /busybox/sh), or set [exec] command in the config."
        )
    return ("sh",)


@dataclass(frozen=True)
class ExecPlan:
    """Run SHELL in CONTAINER_ID on NODE through ROUTE, with a terminal.

    Over SSH (route.over_ssh), REMOTE_COMMAND is the line run on the node in a channel with
    a pty; otherwise the engine at route.engine_url (or route.context) execs the shell.
    """

    node: str  # hostname
    task: str  # what the user picked, as shown: service.slot or the task id
    container_id: str
    route: NodeRoute
    shell: ShellChoice

    @property
    def argv(self) -> tuple[str, ...]:
        """What runs in the container (the picker script while the probe has not answered)."""
        return self.shell.argv or SHELL_PICKER

    @property
    def docker_argv(self) -> tuple[str, ...]:
        """`docker exec` as the node runs it (ssh routes), short container id."""
        return ("docker", "exec", "-it", self.container_id[:SHORT_ID], *self.argv)

    @property
    def remote_command(self) -> str:
        """The line run on the node over SSH; "" for an engine route."""
        if not self.route.over_ssh:
            return ""
        return ("sudo -n " if self.route.sudo else "") + shlex.join(self.docker_argv)

    @property
    def remote_probe(self) -> str:
        """Over SSH, the line that runs BASH_PROBE in the container without a tty (its
        answer goes to shell_after_probe); "" for an engine route."""
        if not self.route.over_ssh:
            return ""
        line = shlex.join(("docker", "exec", self.container_id[:SHORT_ID], *BASH_PROBE))
        return ("sudo -n " if self.route.sudo else "") + line

    @property
    def display(self) -> str:
        """The equivalent command line, shown and journalled."""
        route = self.route
        if route.over_ssh:
            return ssh_command_line(route, self.remote_command)
        return shlex.join([*docker_cli(route), *self.docker_argv[1:]])

    @property
    def journal_text(self) -> str:
        return mask_command(self.display)

    def with_shell(self, argv: tuple[str, ...]) -> ExecPlan:
        """The plan once BASH_PROBE answered (or the user typed a command after all)."""
        return replace(self, shell=ShellChoice(argv, self.shell.source))


def plan_task_exec(
    task: Task,
    node: Node | None,
    route: NodeRoute | None,
    shell: ShellChoice,
    *,
    read_only: bool = False,
    allow_in_read_only: bool = False,
    label: str = "",
) -> ExecPlan:
    """The plan of a shell in TASK's container, reached through ROUTE (the best one of
    NODE); ExecRefused with the reason when it cannot work."""
    name = label or task.id[:SHORT_ID]
    refuse_task(task, name, read_only=read_only, allow_in_read_only=allow_in_read_only)
    if node is None:
        raise ExecRefused(
            f"Task {name} runs on a node that is not in the swarm any more ({task.node_id[:12]})."
        )
    refuse_node(node)
    if route is None:
        raise ExecRefused(unreachable_message(node))
    return ExecPlan(node.hostname, name, task.container_id, route, shell)


def exec_plans(
    task: Task,
    node: Node | None,
    routes: tuple[NodeRoute, ...],
    shell: ShellChoice,
    *,
    read_only: bool = False,
    allow_in_read_only: bool = False,
    label: str = "",
) -> tuple[ExecPlan, ...]:
    """One plan per route, best first (the next is tried when a route does not answer)."""
    first = plan_task_exec(
        task,
        node,
        routes[0] if routes else None,
        shell,
        read_only=read_only,
        allow_in_read_only=allow_in_read_only,
        label=label,
    )
    return (first, *(replace(first, route=r) for r in routes[1:]))


def refuse_task(
    task: Task, name: str, *, read_only: bool = False, allow_in_read_only: bool = False
) -> None:
    """ExecRefused unless a shell may be opened in TASK now."""
    if read_only and not allow_in_read_only:
        raise ExecRefused(READ_ONLY_EXEC_MESSAGE)
    if task.state != "running":
        if not task.container_id:
            raise ExecRefused(f"Task {name} has no container yet: it is {task.state}.")
        ended = f", exit code {task.exit_code}" if task.exit_code is not None else ""
        raise ExecRefused(
            f"Task {name} is {task.state}{ended}, not running: there is no process to "
            "open a shell in."
        )
    if task.desired_state in ("shutdown", "remove"):
        raise ExecRefused(f"Task {name} is being stopped (desired state {task.desired_state}).")
    if not task.container_id:
        raise ExecRefused(f"Task {name} has no container yet.")


def shell_candidates(service_name: str, tasks: list[Task] | tuple[Task, ...]) -> list[Task]:
    """The tasks of a service a shell can be opened in (`e` on a service picks one), by
    slot; ExecRefused when there is none."""
    candidates = [
        t for t in tasks if t.state == "running" and t.desired_state == "running" and t.container_id
    ]
    if not candidates:
        raise ExecRefused(f"Service {service_name} has no running task to open a shell in.")
    return sorted(candidates, key=lambda t: (t.slot is None, t.slot or 0, t.node_id, t.id))


def refuse_node(node: Node) -> None:
    if node.status != "ready":
        raise ExecRefused(
            f"Node {node.hostname} is {node.status}: its engine does not answer the swarm."
        )


def unreachable_message(node: Node) -> str:
    return (
        f"No way to reach the engine of node {node.hostname}: it is no machine of swarmtui, "
        "no [nodes] entry of the config matches it and it has no address. Map it in [nodes], "
        f'e.g. "{node.hostname}" = "user@host".'
    )


def docker_cli(route: NodeRoute) -> list[str]:
    """`docker` with the options reaching ROUTE's engine."""
    if route.context:
        return ["docker", "--context", route.context]
    return ["docker", "-H", route.engine_url]


def ssh_command_line(route: NodeRoute, remote_command: str) -> str:
    """`ssh -t [options] LOGIN [REMOTE]`: REMOTE as typed when the local shell would pass its
    words unchanged, else quoted as one word (ssh joins its words with spaces anyway)."""
    destination = route.ssh
    if destination is None:
        raise ValueError(f"route {route.kind} is not over SSH")
    line = shlex.join(["ssh", "-t", *destination.ssh_options(), destination.login])
    if not remote_command:
        return line
    words = shlex.split(remote_command)
    plain = all(shlex.quote(word) == word for word in words)
    return f"{line} {remote_command if plain else shlex.quote(remote_command)}"


# Secrets a typed command may carry: NAME=value where NAME says what it is, and the value
# of --password/--token/--secret options (mysql's -pVALUE is too ambiguous to mask).
_SECRET_WORD = r"[A-Za-z0-9_]*(?:PASS|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY)[A-Za-z0-9_]*"
_ASSIGNMENT_RE = re.compile(rf"(?i)(\b{_SECRET_WORD}=)('[^']*'|\"[^\"]*\"|[^\s'\"]+)")
_OPTION_RE = re.compile(
    r"(?i)(--(?:password|passwd|token|secret|api-key)(?:=|\s+))('[^']*'|\"[^\"]*\"|[^\s'\"]+)"
)


def mask_command(text: str) -> str:
    """TEXT with join tokens, URL passwords and the secrets of a typed command masked."""
    masked = _ASSIGNMENT_RE.sub(r"\1***", text)
    masked = _OPTION_RE.sub(r"\1***", masked)
    return mask_secrets(masked)


@dataclass(frozen=True)
class NodeShellPlan:
    """A shell on a node's host (SSH login) or in its dind container (local engine)."""

    node: str
    route: NodeRoute
    shell: ShellChoice

    @property
    def display(self) -> str:
        if self.route.over_ssh:
            remote = shlex.join(self.shell.argv) if self.shell.argv else ""
            return ssh_command_line(self.route, remote)
        argv = self.shell.argv or SHELL_PICKER
        return shlex.join(["docker", "exec", "-it", self.route.machine_container, *argv])

    @property
    def journal_text(self) -> str:
        return mask_command(self.display)


def plan_node_shell(
    node: Node,
    routes: tuple[NodeRoute, ...],
    shell: ShellChoice,
    *,
    read_only: bool = False,
    allow_in_read_only: bool = False,
) -> NodeShellPlan:
    """A shell on NODE: over the first SSH route, or in its dind container. A docker context
    or the manager's API reach the engine, not the host: they are passed over.

    SHELL: choose_shell(typed) without the configured command (that one is for containers);
    over SSH an auto shell is the user's login shell.
    """
    if read_only and not allow_in_read_only:
        raise ExecRefused(READ_ONLY_EXEC_MESSAGE)
    usable = [r for r in routes if r.over_ssh or (r.kind == "dind" and r.machine_container)]
    if not usable:
        if routes:
            raise ExecRefused(
                f"Node {node.hostname} is reached only through an engine API "
                f"({routes[0].label}), which opens no shell on the host. Map it to an SSH "
                "destination in [nodes] of the config."
            )
        raise ExecRefused(unreachable_message(node))
    return NodeShellPlan(node.hostname, usable[0], shell)
