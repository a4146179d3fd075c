"""Inspect a secret, config or network: its metadata and the services using it; a config's
content too (not secret); never a secret's value (the engine does not return it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from swarmtui.core.errors import BackendError
from swarmtui.core.models import Service
from swarmtui.core.swarm_objects import SwarmObject, object_from_json
from swarmtui.display.object_text import object_pretty
from swarmtui.ui.session_access import session_of
from swarmtui.ui.widgets.key_footer import KeyFooter


class ObjectInspectScreen(Screen[None]):
    BINDINGS = [
        Binding("y", "toggle_raw", "Raw JSON", id="object_inspect_raw"),
        Binding("escape", "app.pop_screen", "Back", id="object_inspect_back"),
        Binding("j", "scroll_down", "Down", show=False, id="object_inspect_down"),
        Binding("k", "scroll_up", "Up", show=False, id="object_inspect_up"),
    ]

    def __init__(self, obj: SwarmObject, users: Sequence[Service]) -> None:
        super().__init__(classes="inspect")
        self.obj = obj
        self.users = list(users)
        self.raw_mode = False
        self.loaded = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="inspect-body") as body:
            body.border_title = f"Inspect {self.obj.kind} {self.obj.name}"
            yield Static(Text("loading…"), id="inspect-text")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#inspect-body").focus()
        self._load()

    @work(thread=True, exclusive=True, group="inspect")
    def _load(self) -> None:
        obj = self.obj
        try:
            data = session_of(self).read(lambda b: b.inspect_object(obj.kind, obj.id))
        except BackendError as exc:
            self.app.call_from_thread(self._show_error, exc)
            return
        self.app.call_from_thread(self._show, data)

    def _show(self, data: dict[str, Any]) -> None:
        self.obj = object_from_json(self.obj.kind, data)
        self.loaded = True
        self._render_body()

    def _show_error(self, error: BackendError) -> None:
        text = Text(f"{error.message}\n{error.hint}", style="bold")
        self.query_one("#inspect-text", Static).update(text)

    def action_toggle_raw(self) -> None:
        self.raw_mode = not self.raw_mode
        self._render_body()

    def action_scroll_down(self) -> None:
        self.query_one("#inspect-body", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#inspect-body", VerticalScroll).scroll_up()

    def _render_body(self) -> None:
        if not self.loaded:
            return
        if self.raw_mode:
            body = json.dumps(self.obj.raw, indent=2, sort_keys=True)
        else:
            body = object_pretty(self.obj, self.users)
        self.query_one("#inspect-text", Static).update(Text(body.expandtabs(4)))
        mode = "raw JSON" if self.raw_mode else "pretty"
        title = f"Inspect {self.obj.kind} {self.obj.name} ({mode})"
        self.query_one("#inspect-body").border_title = title
