"""The base of the modals that run machine work (create, join, leave, start, stop, remove):
the machine service, a live step log fed from the worker thread, and the journal."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.widgets import Log

from swarmtui.machines.model import StepLog
from swarmtui.machines.service import MachineService
from swarmtui.ui.modals.operation_modal import OperationModal

if TYPE_CHECKING:
    from swarmtui.ui.app import SwarmTuiApp

LOG_MAX_LINES = 500


class MachineModal(OperationModal):
    @property
    def swarm_app(self) -> SwarmTuiApp:
        return cast("SwarmTuiApp", self.app)

    def machine_service(self) -> MachineService | None:
        """The console's machine service; None (and said so) when it has none."""
        service = self.swarm_app.machines
        if service is None:
            self.show_error("Machine management is not available in this console.")
        return service

    def step_log(self) -> Log:
        """The #machine-log widget to compose: it shows steps, it never takes the focus."""
        log = Log(max_lines=LOG_MAX_LINES, id="machine-log")
        log.can_focus = False
        return log

    def write_log(self, line: str) -> None:
        if self.is_mounted:
            self.query_one("#machine-log", Log).write_line(line)

    def thread_log(self) -> StepLog:
        """A StepLog for a worker thread: each line lands in #machine-log on the UI thread."""
        app = self.app
        return lambda line: app.call_from_thread(self.write_log, line)

    def journal(self, command: str, ok: bool, result: str) -> None:
        app = self.swarm_app
        app.journal.record(app.now(), command, ok, result)
