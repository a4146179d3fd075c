"""Shells in tasks and on nodes: planned from the snapshot, opened on the node's own
engine (the routes of `nodes.routes`, tried best first), journalled when they end.

Everything that can fail fast happens in `open_*`, on a worker thread, while the console
still owns the terminal: the route is opened, the container checked, the shell probed.
The caller then hands the terminal to `nodes.relay` and reports the end to `ended`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from swarmtui.actions.journal import Journal
from swarmtui.core.config import Config
from swarmtui.core.errors import BackendError
from swarmtui.core.models import Node, Task
from swarmtui.machines.model import HostKeyUnknown, MachineError
from swarmtui.nodes.exec_plan import (
    BASH_PROBE,
    ExecPlan,
    ExecRefused,
    NodeShellPlan,
    choose_shell,
    exec_plans,
    plan_node_shell,
    shell_after_probe,
)
from swarmtui.nodes.relay import RelayEnd
from swarmtui.nodes.routes import NodeAccess, NodeRoute
from swarmtui.ports import NodeConnection, ShellStream
from swarmtui.session.failures import failure_text

# Opens ROUTE; the fingerprints the user confirmed for SSH hosts seen for the first time.
NodeConnector = Callable[[NodeRoute, tuple[str, ...]], NodeConnection]


@dataclass(frozen=True)
class TerminalSpec:
    columns: int
    rows: int
    term: str


@dataclass
class OpenedShell:
    """A shell started and waiting for the terminal."""

    node: str
    what: str  # "web.1 on worker1", "node worker1"
    command: str  # the equivalent command line, secrets masked
    stream: ShellStream
    connection: NodeConnection

    def close(self) -> None:
        try:
            self.stream.close()
        finally:
            self.connection.close()


class Shells:
    """Opens shells for the session; ACCESS knows the routes, CONNECT opens one."""

    def __init__(
        self,
        config: Config,
        journal: Journal,
        now: Callable[[], datetime],
        access: NodeAccess | None,
        connect: NodeConnector | None,
    ) -> None:
        self._config = config
        self._journal = journal
        self._now = now
        self._access = access
        self._connect = connect
        self._open: list[OpenedShell] = []  # handed out and not ended yet

    def in_task(
        self,
        task: Task,
        node: Node | None,
        label: str,
        typed: str,
        terminal: TerminalSpec,
        accept: Iterable[str] = (),
    ) -> OpenedShell:
        access, connect = self._require()
        shell = choose_shell(typed, self._config.exec.command)
        plans = exec_plans(
            task,
            node,
            access.routes(node) if node is not None else (),
            shell,
            read_only=self._config.read_only,
            allow_in_read_only=self._config.allow_exec_in_read_only,
            label=label,
        )
        failures: list[str] = []
        for plan in plans:
            try:
                connection = connect(plan.route, tuple(accept))
            except HostKeyUnknown:
                raise
            except (BackendError, MachineError, OSError) as exc:
                failures.append(f"{plan.route.label}: {failure_text(exc)}")
                continue
            try:
                return self._start_in_task(plan, connection, terminal)
            except BaseException:
                connection.close()
                raise
        message = f"Cannot reach the engine of {plans[0].node}: " + "; ".join(failures)
        self._journal.record(self._now(), plans[0].journal_text, False, message)
        raise ExecRefused(message)

    def _start_in_task(
        self, plan: ExecPlan, connection: NodeConnection, terminal: TerminalSpec
    ) -> OpenedShell:
        where = f"{plan.task} on {plan.node}"
        try:
            running = connection.container_running(plan.container_id)
            if running is None:
                raise ExecRefused(
                    f"The container of {plan.task} is gone from {plan.node} "
                    f"({connection.description}): the task ended since the list was read."
                )
            if not running:
                raise ExecRefused(f"The container of {plan.task} on {plan.node} is not running.")
            if plan.shell.needs_probe:
                code, output = connection.run_in_container(plan.container_id, BASH_PROBE)
                plan = plan.with_shell(shell_after_probe(code, output))
            stream = connection.open_container_shell(
                plan.container_id, plan.argv, terminal.columns, terminal.rows, terminal.term
            )
        except ExecRefused as exc:
            self._journal.record(self._now(), plan.journal_text, False, exc.message)
            raise
        except (BackendError, MachineError, OSError) as exc:
            message = f"Cannot open a shell in {where}: {failure_text(exc)}"
            self._journal.record(self._now(), plan.journal_text, False, message)
            raise ExecRefused(message) from exc
        return self._opened(OpenedShell(plan.node, where, plan.journal_text, stream, connection))

    def on_node(
        self,
        node: Node,
        typed: str,
        terminal: TerminalSpec,
        accept: Iterable[str] = (),
    ) -> OpenedShell:
        access, connect = self._require()
        plan = plan_node_shell(
            node,
            access.routes(node),
            choose_shell(typed),
            read_only=self._config.read_only,
            allow_in_read_only=self._config.allow_exec_in_read_only,
        )
        return self._start_on_node(plan, connect, terminal, tuple(accept))

    def _start_on_node(
        self,
        plan: NodeShellPlan,
        connect: NodeConnector,
        terminal: TerminalSpec,
        accept: tuple[str, ...],
    ) -> OpenedShell:
        try:
            connection = connect(plan.route, accept)
        except HostKeyUnknown:
            raise
        except (BackendError, MachineError, OSError) as exc:
            message = f"Cannot reach node {plan.node} ({plan.route.label}): {failure_text(exc)}"
            self._journal.record(self._now(), plan.journal_text, False, message)
            raise ExecRefused(message) from exc
        try:
            stream = connection.open_host_shell(
                plan.shell.argv, terminal.columns, terminal.rows, terminal.term
            )
        except (BackendError, MachineError, OSError) as exc:
            connection.close()
            message = f"Cannot open a shell on node {plan.node}: {failure_text(exc)}"
            self._journal.record(self._now(), plan.journal_text, False, message)
            raise ExecRefused(message) from exc
        shell = OpenedShell(plan.node, f"node {plan.node}", plan.journal_text, stream, connection)
        return self._opened(shell)

    def _opened(self, shell: OpenedShell) -> OpenedShell:
        self._open.append(shell)
        return shell

    def close_open(self) -> None:
        """Close every shell still open (the console is going away under them): their
        channels and connections end on the far side too."""
        while self._open:
            shell = self._open.pop()
            with contextlib.suppress(Exception):  # it may be broken already: nothing to tell
                shell.close()

    def ended(self, shell: OpenedShell, end: RelayEnd) -> str:
        """Journal how SHELL ended; the line to show when the console comes back."""
        if shell in self._open:
            self._open.remove(shell)
        shell.connection.close()
        if end.exit_status is not None:
            result = f"exit {end.exit_status}"
            message = f"Shell in {shell.what} ended (exit status {end.exit_status})."
        elif end.terminal_closed:
            result = "terminal closed"
            message = f"Shell in {shell.what} ended: the terminal closed."
        else:
            result = f"connection to {shell.node} dropped"
            message = f"The connection to {shell.node} dropped: the shell in {shell.what} ended."
        self._journal.record(self._now(), shell.command, end.exit_status is not None, result)
        return message

    def _require(self) -> tuple[NodeAccess, NodeConnector]:
        if self._access is None or self._connect is None:
            raise ExecRefused("Shells are not available in this console (no node access).")
        return self._access, self._connect
