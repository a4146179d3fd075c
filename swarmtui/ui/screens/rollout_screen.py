"""`o` on a service: its rollout, live. Update state, old -> new image, per slot the task
being replaced and the one replacing it, failures with their errors; `b` rolls back.

A thread worker polls the service's inspect and task history every second while the screen
is open (there are no task events) and stops when it closes.
"""

from __future__ import annotations

import threading

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from swarmtui.actions.operations import rollback
from swarmtui.core.errors import BackendError
from swarmtui.core.models import ScopeKind, Service, TaskScope
from swarmtui.display.columns import humanize_age, state_style
from swarmtui.display.rollout import Rollout, RolloutTask, SlotRollout, rollout_from_json
from swarmtui.ui.modals.operation_modal import ConfirmModal
from swarmtui.ui.session_access import SessionUser, allowed, guard
from swarmtui.ui.widgets.key_footer import KeyFooter

POLL_SECONDS = 1.0
COLUMNS = ("SLOT", "OLD TASK", "NEW TASK", "FAILURES")


class RolloutScreen(SessionUser, Screen[None]):
    BINDINGS = [
        Binding("b", "rollback", "Roll back", id="rollout_rollback"),
        Binding("escape", "app.pop_screen", "Back", id="rollout_back"),
    ]

    def __init__(self, service: Service) -> None:
        super().__init__(classes="rollout")
        self.service = service
        self.rollout: Rollout | None = None
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="rollout-box") as box:
            box.border_title = f"Rollout of {self.service.name}"
            yield Static(Text("loading…"), id="rollout-summary")
            table: DataTable[Text] = DataTable(cursor_type="row", id="rollout-slots")
            yield table
            yield Static(Text(""), id="rollout-failures")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#rollout-slots", DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label)
        table.focus()
        self._poll()

    def on_unmount(self) -> None:
        self._stop.set()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return allowed(self.app, action)

    # Polling ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="rollout")
    def _poll(self) -> None:
        session = self.session
        service_id = self.service.id
        scope = TaskScope(ScopeKind.SERVICE, service_id, self.service.name, history=True)
        while not self._stop.is_set():
            try:
                data = session.read(lambda b: b.inspect("service", service_id))
                tasks = session.read(lambda b: b.tasks(scope))
                result: Rollout | str = rollout_from_json(data, [t.raw for t in tasks])
            except BackendError as exc:
                result = exc.message
            except Exception as exc:  # never a traceback: say what failed
                result = f"{type(exc).__name__}: {exc}"
            if self._stop.is_set():
                return
            try:
                self.app.call_from_thread(self._show, result)
            except RuntimeError:  # the app is shutting down
                return
            self._stop.wait(POLL_SECONDS)

    # Rendering --------------------------------------------------------------------------

    def _colour(self, name: str | None) -> str:
        return self.app.get_css_variables().get(name, "") if name else ""

    def _show(self, result: Rollout | str) -> None:
        if not self.is_mounted:
            return
        if isinstance(result, str):
            self.query_one("#rollout-summary", Static).update(
                Text(result, style=self._colour("error"))
            )
            return
        previous, self.rollout = self.rollout, result
        self.query_one("#rollout-summary", Static).update(self._summary(result))
        if previous is None or previous.slots != result.slots:
            self._fill_table(result)
            self.query_one("#rollout-failures", Static).update(self._failures(result))

    def _summary(self, rollout: Rollout) -> Text:
        now = self.session.now()
        text = Text()
        text.append(rollout.service_name, style="bold")
        state = rollout.state or "no update"
        text.append("  ")
        text.append(state, style=self._colour(_state_colour(rollout.state)))
        if rollout.started_at is not None:
            text.append(f"  started {humanize_age(rollout.started_at, now)}")
        if rollout.completed_at is not None:
            text.append(f", completed {humanize_age(rollout.completed_at, now)}")
        if rollout.message:
            text.append(f"  {rollout.message}")
        text.append("\nimage ")
        if rollout.old_image and rollout.old_image != rollout.new_image:
            text.append(rollout.old_image, style="dim")
            text.append(" -> ")
        text.append(rollout.new_image, style="bold")
        done, total = rollout.progress
        text.append(f"   {done}/{total} slots on the new spec")
        return text

    def _task_cell(self, task: RolloutTask | None) -> Text:
        if task is None:
            return Text("-")
        text = Text(f"{task.image} ")
        text.append(task.state, style=self._colour(state_style(task.state)))
        return text

    def _fill_table(self, rollout: Rollout) -> None:
        table: DataTable[Text] = self.query_one("#rollout-slots", DataTable)
        rows = [(slot.slot, self._row(slot)) for slot in rollout.slots]
        if [key.value for key in table.rows] == [key for key, _ in rows]:
            for key, cells in rows:
                for column, cell in zip(COLUMNS, cells, strict=True):
                    table.update_cell(key, column, cell)
            return
        cursor = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    def _row(self, slot: SlotRollout) -> tuple[Text, ...]:
        failures = Text(str(len(slot.failures)) if slot.failures else "")
        if slot.failures:
            failures.stylize(self._colour("error"))
        return (
            Text(slot.slot[:12]),
            self._task_cell(slot.old),
            self._task_cell(slot.new),
            failures,
        )

    def _failures(self, rollout: Rollout) -> Text:
        failures = rollout.failures
        if not failures:
            return Text("No failed tasks.", style="dim")
        text = Text()
        text.append("Failures\n", style="bold")
        for slot, task in failures:
            text.append(f"slot {slot[:12]}  {task.id[:12]}  {task.image}  ")
            text.append(task.state, style=self._colour("error"))
            text.append(f"  {task.error}\n" if task.error else "\n")
        text.rstrip()
        return text

    # Actions ----------------------------------------------------------------------------

    def action_rollback(self) -> None:
        if guard(self.app, "rollback"):
            self.app.push_screen(ConfirmModal(rollback(self.service)))


def _state_colour(state: str) -> str | None:
    if state in ("updating", "rollback_started"):
        return "warning"
    if state.startswith("paused") or state.startswith("rollback_paused"):
        return "error"
    if state in ("completed", "rollback_completed"):
        return "success"
    return None
