"""The base of the modals that run machine work (create, join, leave, start, stop, remove):
the machine service, a live step log fed from the worker thread; the session runs the work
and journals it."""

from __future__ import annotations

from textual.widgets import Log

from swarmtui.actions.operations import OperationRefused
from swarmtui.core.errors import BackendError
from swarmtui.machines.model import MachineError, StepLog
from swarmtui.machines.service import MachineService
from swarmtui.ui.modals.operation_modal import OperationModal
from swarmtui.ui.session_access import SessionUser

LOG_MAX_LINES = 500


def failure(exc: Exception) -> tuple[str, str]:
    """(message, hint) to show for machine work that raised EXC; never a traceback."""
    if isinstance(exc, MachineError):
        return exc.message, exc.hint
    if isinstance(exc, BackendError | OperationRefused):
        return str(exc), ""
    return f"{type(exc).__name__}: {exc}", ""


class MachineModal(SessionUser, OperationModal):
    def machine_service(self) -> MachineService | None:
        """The console's machine service; None (and said so) when it has none."""
        service = self.session.machines
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
            # A progress log always shows its latest step. Log follows only when it was at
            # its end, and scrolls before the new lines are laid out: a write before the
            # first layout left it at the top, or not, depending on timing.
            log = self.query_one("#machine-log", Log)
            log.write_line(line, scroll_end=False)
            log.scroll_end(animate=False)  # after the next refresh, with the lines laid out

    def thread_log(self) -> StepLog:
        """A StepLog for a worker thread: each line lands in #machine-log on the UI thread."""
        app = self.app
        return lambda line: app.call_from_thread(self.write_log, line)
