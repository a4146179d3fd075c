"""Inspect a secret, config or network: its metadata and the services using it; a config's
content too (not secret); never a secret's value (the engine does not return it). The keys
and layout are the inspect screen's; only what is fetched and how it reads differ."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import work

from swarmtui.core.errors import BackendError
from swarmtui.core.models import Service
from swarmtui.core.swarm_objects import SwarmObject, object_from_json
from swarmtui.display.object_text import object_pretty
from swarmtui.ui.screens.inspect_screen import InspectScreen
from swarmtui.ui.session_access import session_of


class ObjectInspectScreen(InspectScreen):
    def __init__(self, obj: SwarmObject, users: Sequence[Service]) -> None:
        # The inspect screen's kind names what it fetches; this screen fetches OBJ instead.
        super().__init__("node", obj.id, f"{obj.kind} {obj.name}")
        self.obj = obj
        self.users = list(users)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit_yaml":  # a service's spec only
            return False
        return super().check_action(action, parameters)

    @property
    def loaded(self) -> bool:
        return self.data is not None

    @work(thread=True, exclusive=True, group="inspect")
    def _load(self) -> None:
        obj = self.obj
        try:
            data = session_of(self).read(lambda b: b.inspect_object(obj.kind, obj.id))
        except BackendError as exc:
            self.app.call_from_thread(self._show_error, exc)
            return
        self.obj = object_from_json(obj.kind, data)
        self.app.call_from_thread(self._show, data)

    def pretty_text(self, data: dict[str, Any]) -> str:
        return object_pretty(self.obj, self.users)
