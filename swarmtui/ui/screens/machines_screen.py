"""`M`: the machines swarmtui created or adopted, with their live status (refreshed off the UI
thread every few seconds while the view is open); create, join, leave, start, stop and remove
them."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from swarmtui.actions.machine_form import (
    join_command,
    leave_command,
    remove_command,
    start_command,
    stop_command,
)
from swarmtui.machines.model import MachineError, MachineRecord, MachineStatus, Role, StepLog
from swarmtui.machines.service import MachineService
from swarmtui.ui.modals.create_machine_dialog import CreateMachineDialog
from swarmtui.ui.modals.machine_task_modal import MachineChoice, MachineTaskModal
from swarmtui.ui.session_access import SessionUser, allowed, guard
from swarmtui.ui.widgets.key_footer import KeyFooter

COLUMNS = ("NAME", "DRIVER", "ADDRESS", "ROLE", "STATE", "ENGINE", "SWARM", "MESSAGE")
REFRESH_SECONDS = 3.0
STATE_COLOURS = {
    "running": "success",
    "active": "success",
    "stopped": "warning",
    "pending": "warning",
    "unreachable": "error",
    "missing": "error",
    "error": "error",
}
Machine = tuple[MachineRecord, MachineStatus]


def in_swarm(status: MachineStatus) -> bool:
    return status.swarm_state in ("active", "pending", "error")


class MachinesScreen(SessionUser, Screen[None]):
    BINDINGS = [
        Binding("c", "create_machine", "Create", id="machines_create"),
        Binding("j", "join_machine", "Join", id="machines_join"),
        Binding("l", "leave_machine", "Leave", id="machines_leave"),
        Binding("s", "start_machine", "Start", id="machines_start"),
        Binding("t", "stop_machine", "Stop", id="machines_stop"),
        Binding("x", "remove_machine", "Remove", id="machines_remove"),
        Binding("r", "reload", "Refresh", show=False, id="machines_refresh"),
        Binding("escape", "app.pop_screen", "Back", id="machines_back"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="machines")
        self.machines: list[Machine] = []
        self.loaded = False
        self._loading = False

    def compose(self) -> ComposeResult:
        with Vertical(id="machines-box") as box:
            box.border_title = "Machines"
            table: DataTable[Text] = DataTable(cursor_type="row", id="machines-table")
            yield table
            yield Static(Text("loading…"), id="machines-status")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#machines-table", DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label)
        table.focus()
        self.action_reload()
        self.set_interval(REFRESH_SECONDS, self.action_reload)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return allowed(self.app, action)

    # Status -----------------------------------------------------------------------------

    def action_reload(self) -> None:
        service = self.session.machines
        if service is None:
            self._status("Machine management is not available in this console.", "warning")
            return
        if not self._loading:  # a slow host must not pile up status threads
            self._loading = True
            self._load(service)

    @work(thread=True, group="machines-list")
    def _load(self, service: MachineService) -> None:
        try:
            machines = service.list_machines()
        except MachineError as exc:
            self.app.call_from_thread(self._load_failed, exc.message)
            return
        except Exception as exc:  # never a traceback: say what failed
            self.app.call_from_thread(self._load_failed, f"{type(exc).__name__}: {exc}")
            return
        self.app.call_from_thread(self.show_machines, machines)

    def _load_failed(self, message: str) -> None:
        self._loading = False
        self._status(message, "error")

    def _status(self, message: str, colour: str = "") -> None:
        if self.is_mounted:
            style = self.app.get_css_variables().get(colour, "") if colour else "dim"
            self.query_one("#machines-status", Static).update(Text(message, style=style))

    def _cell(self, value: str) -> Text:
        colour = STATE_COLOURS.get(value)
        style = self.app.get_css_variables().get(colour, "") if colour else "dim"
        return Text(value or "-", style=style)

    def show_machines(self, machines: list[Machine]) -> None:
        self._loading = False
        if not self.is_mounted:
            return
        self.machines = machines
        self.loaded = True
        table = self.query_one("#machines-table", DataTable)
        selected = self.selected
        table.clear()
        for record, status in machines:
            table.add_row(
                Text(record.name, style="bold"),
                Text(record.driver),
                Text(record.address or "-"),
                Text(record.role or "-"),
                self._cell(status.state),
                Text(status.engine_version or "-"),
                self._cell(status.swarm_state),
                Text(status.message),
                key=record.name,
            )
        names = [record.name for record, _ in machines]
        if selected is not None and selected[0].name in names:
            table.move_cursor(row=names.index(selected[0].name), animate=False)
        count = f"{len(machines)} machine{'' if len(machines) == 1 else 's'}"
        if not machines:
            count = "No machines yet: c creates one"
        self._status(f"{count} · status refreshed every {REFRESH_SECONDS:.0f} s")

    @property
    def selected(self) -> Machine | None:
        if not self.is_mounted:
            return None
        table = self.query_one("#machines-table", DataTable)
        row = table.cursor_row
        if not self.machines or not 0 <= row < len(self.machines):
            return None
        return self.machines[row]

    # Actions ----------------------------------------------------------------------------

    def _after(self, changed: bool | None) -> None:
        if changed:
            self.action_reload()

    def _chosen(self, action: str) -> Machine | None:
        if not guard(self.app, action):
            return None
        if self.session.machines is None:
            self.notify("Machine management is not available.", severity="warning")
            return None
        machine = self.selected
        if machine is None:
            self.notify("No machine selected.", severity="warning")
        return machine

    def action_create_machine(self) -> None:
        if not guard(self.app, "create_machine"):
            return
        existing = [record.name for record, _ in self.machines]
        self.app.push_screen(CreateMachineDialog(existing), self._after)

    def action_join_machine(self) -> None:
        machine = self._chosen("join_machine")
        if machine is None:
            return
        record, status = machine
        if in_swarm(status):
            self.notify(f"{record.name} is in a swarm already.", severity="warning")
            return
        choices = [
            self._join_choice(record.name, "worker"),
            self._join_choice(record.name, "manager"),
        ]
        question = f"Join {record.name} to this swarm as a worker or a manager?"
        warning = (
            "The join token is fetched from the manager swarmtui is connected to; it is never "
            "shown. Keep an odd number of managers (1, 3, 5)."
        )
        modal = MachineTaskModal(f"Join {record.name}", question, warning, choices, "join_machine")
        self.app.push_screen(modal, self._after)

    def _join_choice(self, name: str, role: Role) -> MachineChoice:
        def run(service: MachineService, log: StepLog) -> None:
            service.join(name, role, log)

        return MachineChoice(
            f"join-{role}",
            f"Join as {role}",
            join_command(name, role),
            run,
            f"{name} joined the swarm as a {role}.",
        )

    def action_leave_machine(self) -> None:
        machine = self._chosen("leave_machine")
        if machine is None:
            return
        record, status = machine
        if not in_swarm(status):
            self.notify(f"{record.name} is in no swarm.", severity="warning")
            return
        name = record.name

        def run(service: MachineService, log: StepLog) -> None:
            service.leave(name, log)

        choice = MachineChoice(
            "leave", "Leave", leave_command(name), run, f"{name} left the swarm.", "error"
        )
        warning = (
            f"{name}'s tasks stop and are rescheduled on other nodes. A manager leaving weakens "
            "the quorum. The machine itself stays."
        )
        modal = MachineTaskModal(
            f"Leave {name}", f"Make {name} leave the swarm?", warning, [choice], "leave_machine"
        )
        self.app.push_screen(modal, self._after)

    def action_remove_machine(self) -> None:
        machine = self._chosen("remove_machine")
        if machine is None:
            return
        record, status = machine
        name, retire = record.name, in_swarm(status)

        def run(service: MachineService, log: StepLog) -> None:
            if retire:
                service.retire(name, log)
            else:
                service.remove(name, log)

        verb = "Retire" if retire else "Remove"
        if record.driver == "dind":
            container = record.extra.get("container", "")
            gone = (
                f"Its container {container} and its volume are deleted."
                if container
                else "Its container and its volume are deleted."
            )
        else:
            gone = f"swarmtui forgets it; the host {record.address} itself is left as it is."
        steps = "It is drained, leaves the swarm and its node is removed. " if retire else ""
        choice = MachineChoice(
            "remove",
            f"{verb} {name}",
            remove_command(name, retire),
            run,
            f"{name} was removed.",
            "error",
        )
        modal = MachineTaskModal(
            f"{verb} {name}", f"{verb} machine {name}?", steps + gone, [choice], "remove_machine"
        )
        self.app.push_screen(modal, self._after)

    def action_start_machine(self) -> None:
        """No question (starting interrupts nothing): the modal runs it at once and shows the
        steps, or an adopted host's refusal (swarmtui never starts or stops one)."""
        machine = self._chosen("start_machine")
        if machine is None:
            return
        record, status = machine
        name = record.name
        if record.driver == "dind" and status.state == "running":
            self.notify(f"{name} is running already.", severity="warning")
            return

        def run(service: MachineService, log: StepLog) -> None:
            service.start(name, log)

        choice = MachineChoice(
            "start", f"Start {name}", start_command(name), run, f"{name} is running."
        )
        warning = (
            "Its node comes back Ready in the swarm; the swarm does not move replicated tasks "
            "back to it by itself."
            if in_swarm(status) or record.role
            else ""
        )
        modal = MachineTaskModal(
            f"Start {name}",
            f"Starting machine {name}",
            warning,
            [choice],
            "start_machine",
            run_now=True,
        )
        self.app.push_screen(modal, self._after)

    def action_stop_machine(self) -> None:
        machine = self._chosen("stop_machine")
        if machine is None:
            return
        record, status = machine
        name = record.name
        if status.state == "stopped":
            self.notify(f"{name} is stopped already.", severity="warning")
            return

        def run(service: MachineService, log: StepLog) -> None:
            service.stop(name, log)

        choice = MachineChoice(
            "stop", f"Stop {name}", stop_command(name), run, f"{name} was stopped.", "error"
        )
        if in_swarm(status) or record.role:
            warning = (
                "Its node goes Down in the swarm and its tasks are rescheduled on other nodes; "
                "a manager stopping weakens the quorum. The machine, its data and its swarm "
                "membership stay: start it again to bring the node back."
            )
        else:
            warning = "Its engine and everything running on it stop. The machine and its data stay."
        modal = MachineTaskModal(
            f"Stop {name}", f"Stop machine {name}?", warning, [choice], "stop_machine"
        )
        self.app.push_screen(modal, self._after)
