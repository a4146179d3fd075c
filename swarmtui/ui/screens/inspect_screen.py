"""Inspect a node, service or task: the `--pretty` view, with a raw JSON toggle. A task
that is not running as it should starts with why (swarmtui.diagnosis), fetched after."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from swarmtui.actions.service_edit import SwarmNames
from swarmtui.core.errors import BackendError
from swarmtui.core.mapping import task_from_json
from swarmtui.diagnosis.explain import needs_explanation
from swarmtui.diagnosis.why_text import WHY_TITLE, WhyLine, why_lines
from swarmtui.display.inspect_text import node_pretty, service_pretty, task_pretty
from swarmtui.ports import ObjectKind
from swarmtui.ui.service_edit_actions import edit_spec_yaml
from swarmtui.ui.session_access import allowed, session_of
from swarmtui.ui.why_render import why_rich
from swarmtui.ui.widgets.key_footer import KeyFooter

PRETTY = {"node": node_pretty, "service": service_pretty, "task": task_pretty}


class InspectScreen(Screen[None]):
    BINDINGS = [
        Binding("y", "toggle_raw", "Raw JSON", id="inspect_toggle_raw"),
        Binding("escape", "app.pop_screen", "Back", id="inspect_back"),
        Binding("j", "scroll_down", "Down", show=False, id="inspect_down"),
        Binding("k", "scroll_up", "Up", show=False, id="inspect_up"),
        Binding("e", "edit_yaml", "Edit in $EDITOR", id="inspect_edit_yaml"),
    ]

    def __init__(self, kind: ObjectKind, object_id: str, title: str) -> None:
        super().__init__(classes="inspect")
        self.kind = kind
        self.object_id = object_id
        self.heading = title
        self.raw_mode = False
        self.data: dict[str, Any] | None = None
        self.why: list[WhyLine] = []  # a task's explanation, shown above its details

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="inspect-body") as body:
            body.border_title = f"Inspect {self.heading}"
            yield Static(Text("loading…"), id="inspect-text")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#inspect-body").focus()
        self._load()

    @work(thread=True, exclusive=True, group="inspect")
    def _load(self) -> None:
        session = session_of(self)
        try:
            data = session.read(lambda b: b.inspect(self.kind, self.object_id))
        except BackendError as exc:
            self.app.call_from_thread(self._show_error, exc)
            return
        self.app.call_from_thread(self._show, data)
        if self.kind == "task":
            self._explain(data)

    def _explain(self, data: dict[str, Any]) -> None:
        """On the worker: why the task does not run, when it needs saying."""
        session = session_of(self)
        task = task_from_json(data)
        snapshot = session.model.snapshot
        node = snapshot.node(task.node_id) if snapshot is not None else None
        if not needs_explanation(task, node):
            return
        self.app.call_from_thread(self._show_why, [(f"{WHY_TITLE} (looking…)", "section")])
        try:
            diagnosis = session.diagnose_task(task)
        except BackendError as exc:
            lines: list[WhyLine] = [(f"{WHY_TITLE} {exc.message}", "section")]
        else:
            found = why_lines(diagnosis.explanation, diagnosis.not_known, task.state)
            lines = [(WHY_TITLE, "section"), *found]
        self.app.call_from_thread(self._show_why, [*lines, ("", "blank")])

    def _show_why(self, lines: list[WhyLine]) -> None:
        self.why = lines
        self._render_body()

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        self._render_body()

    def _show_error(self, error: BackendError) -> None:
        text = Text(f"{error.message}\n{error.hint}", style="bold")
        self.query_one("#inspect-text", Static).update(text)

    def action_toggle_raw(self) -> None:
        self.raw_mode = not self.raw_mode
        self._render_body()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit_yaml":  # the raw view of a service only
            editable = self.kind == "service" and self.raw_mode and self.data is not None
            return editable and allowed(self, "edit_yaml")
        return True

    def action_edit_yaml(self) -> None:
        self._read_names()

    @work(thread=True, exclusive=True, group="inspect-edit")
    def _read_names(self) -> None:
        try:
            names = session_of(self).swarm_names()
        except BackendError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self._edit_yaml, names)

    def _edit_yaml(self, names: SwarmNames) -> None:
        snapshot = session_of(self).model.snapshot
        service = snapshot.service(self.object_id) if snapshot is not None else None
        if service is None or self.data is None:
            self.notify("The service is not in the console's list yet.", severity="warning")
            return
        problem = edit_spec_yaml(self, service, self.data, names, on_saved=self._load)
        if problem:
            self.notify(problem, severity="warning", timeout=8)

    def action_scroll_down(self) -> None:
        self.query_one("#inspect-body", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#inspect-body", VerticalScroll).scroll_up()

    def pretty_text(self, data: dict[str, Any]) -> str:
        """The pretty (not raw) view of DATA."""
        return PRETTY[self.kind](data)

    def _render_body(self) -> None:
        if self.data is None:
            return
        if self.raw_mode:
            body = json.dumps(self.data, indent=2, sort_keys=True)
        else:
            body = self.pretty_text(self.data).expandtabs(4)
        text = Text(body)
        if self.why and not self.raw_mode:
            text = why_rich(self.why) + text
        self.query_one("#inspect-text", Static).update(text)
        mode = "raw JSON" if self.raw_mode else "pretty"
        self.query_one("#inspect-body").border_title = f"Inspect {self.heading} ({mode})"
