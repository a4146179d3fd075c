"""The secrets, configs and networks panes (keys 5, 6, 7, in the nodes pane's place).

Each lists its objects with one request when shown and on each new snapshot while shown;
the services using each object come from the snapshot's services, not from a request.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from swarmtui.actions.object_operations import PREDEFINED_NETWORKS, in_use_refusal, remove_object
from swarmtui.actions.operations import OperationRefused
from swarmtui.core.errors import BackendError
from swarmtui.core.models import ClusterSnapshot, Service
from swarmtui.core.swarm_objects import (
    MountedType,
    ObjectType,
    SwarmObject,
    object_from_json,
    users_of,
)
from swarmtui.display.object_columns import (
    MOUNTED_COLUMNS,
    NETWORK_COLUMNS,
    mounted_row,
    network_row,
)
from swarmtui.display.sorting import SortKey
from swarmtui.ui.modals.operation_modal import ConfirmModal
from swarmtui.ui.session_access import guard, session_of
from swarmtui.ui.widgets.panes import SnapshotPane
from swarmtui.ui.widgets.virtual_table import Row

OBJECT_BINDINGS: list[BindingType] = [
    Binding("enter", "inspect_object", "Inspect", id="object_inspect"),
    Binding("c", "create_object", "Create", id="object_create"),
    Binding("x", "remove_object", "Remove", id="object_remove"),
]
ROTATE_BINDING = Binding("R", "rotate_object", "Rotate", id="object_rotate")


class ObjectsPane(SnapshotPane):
    OBJECT_KIND: ClassVar[ObjectType] = "secret"
    LAZY_WHEN_HIDDEN = True  # each object's users are found among every service

    def __init__(self, *, id: str | None = None) -> None:
        self.objects: list[SwarmObject] | None = None  # None until listed once
        self.error = ""
        self._loading = False
        self._again = False
        super().__init__(id=id)

    # Listing ------------------------------------------------------------------------------

    def on_show(self) -> None:
        self.load()

    def show_snapshot(self, snapshot: ClusterSnapshot, now: datetime) -> None:
        super().show_snapshot(snapshot, now)
        if self.display:
            self.load()  # a snapshot follows every change, theirs included

    def reshow(self) -> None:
        """The rows again, from the objects just listed: no new listing."""
        if self.snapshot is not None and self._shown_at is not None:
            super().show_snapshot(self.snapshot, self._shown_at)

    def load(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._list()

    @work(thread=True, exclusive=True, group="objects-list")
    def _list(self) -> None:
        kind = self.OBJECT_KIND
        try:
            listed = session_of(self).read(lambda backend: backend.swarm_objects(kind))
            objects = [object_from_json(kind, data) for data in listed]
            error = ""
        except BackendError as exc:
            objects, error = self.objects or [], exc.message
        self.app.call_from_thread(self._listed, objects, error)

    def _listed(self, objects: list[SwarmObject], error: str) -> None:
        self._loading = False
        self.objects, self.error = sorted(objects, key=lambda o: o.name), error
        if error:
            self.notify(error, severity="error")
        self.reshow()
        if self._again:
            self._again = False
            self.load()

    @property
    def loaded(self) -> bool:
        return self.objects is not None and not self._loading

    # Rows -------------------------------------------------------------------------------

    def users(self, obj: SwarmObject) -> list[Service]:
        return users_of(obj, self.snapshot.services) if self.snapshot else []

    def rows_from(self, snapshot: ClusterSnapshot, now: datetime) -> list[Row]:
        return [(o.id, self.row_of(o, now)) for o in self.objects or []]

    def row_of(self, obj: SwarmObject, now: datetime) -> tuple[str, ...]:
        return mounted_row(obj, self.users(obj), now)

    def sort_values_from(
        self, snapshot: ClusterSnapshot, column: str
    ) -> Mapping[str, SortKey] | None:
        if column not in ("created", "updated"):
            return None
        return {
            o.id: ((getattr(o, f"{column}_at") or datetime.min).isoformat(),)
            for o in self.objects or []
        }

    @property
    def selected_object(self) -> SwarmObject | None:
        key = self.selected_key
        return next((o for o in self.objects or [] if o.id == key), None)

    @property
    def names(self) -> list[str]:
        return [o.name for o in self.objects or []]

    # Actions ----------------------------------------------------------------------------

    def refusal(self, action: str) -> str | None:
        obj = self.selected_object
        if obj is None:
            return None
        if action == "remove_object":
            if obj.kind == "network" and obj.name in PREDEFINED_NETWORKS:
                return f"{obj.name} is a predefined network: it cannot be removed."
            return in_use_refusal(obj, self.users(obj))
        if action == "rotate_object" and not self.users(obj):
            return f"No service uses {obj.name}: create a new one instead of rotating."
        return None

    def _chosen(self) -> SwarmObject | None:
        obj = self.selected_object
        if obj is None:
            self.notify(f"Select a {self.OBJECT_KIND} first.", severity="warning")
        return obj

    def action_inspect_object(self) -> None:
        from swarmtui.ui.screens.object_inspect_screen import ObjectInspectScreen

        if obj := self._chosen():
            self.app.push_screen(ObjectInspectScreen(obj, self.users(obj)))

    def action_remove_object(self) -> None:
        obj = self._chosen()
        if obj is None or not guard(self, "remove_object"):
            return
        try:
            operation = remove_object(obj, self.users(obj))
        except OperationRefused as exc:
            self.notify(str(exc), severity="warning", timeout=8)
            return
        self.app.push_screen(ConfirmModal(operation), self._changed)

    def _changed(self, done: bool | None) -> None:
        """After a modal: list again at once (a new secret changes no service, so no new
        snapshot would come to say so)."""
        if done:
            self.load()

    def action_create_object(self) -> None:
        from swarmtui.ui.modals.object_modals import ObjectDataModal

        if guard(self, "create_object"):
            kind: MountedType = "config" if self.OBJECT_KIND == "config" else "secret"
            self.app.push_screen(ObjectDataModal(kind, self.names), self._changed)

    def action_rotate_object(self) -> None:
        from swarmtui.ui.modals.object_modals import ObjectDataModal

        obj = self._chosen()
        if obj is None or not guard(self, "rotate_object"):
            return
        refusal = self.refusal("rotate_object")
        if refusal is not None:
            self.notify(refusal, severity="warning")
            return
        kind: MountedType = "config" if obj.kind == "config" else "secret"
        modal = ObjectDataModal(kind, self.names, rotate=(obj, self.users(obj)))

        def rotated(done: bool | None) -> None:
            self._changed(done)
            if done and modal.outcome == "done":
                # Every user runs the new version now: the old one is unused.
                self.app.push_screen(ConfirmModal(remove_object(obj, ())), self._changed)

        self.app.push_screen(modal, rotated)


class SecretsPane(ObjectsPane):
    BINDINGS: ClassVar[list[BindingType]] = [*OBJECT_BINDINGS, ROTATE_BINDING]
    COLUMNS = MOUNTED_COLUMNS
    TITLE = "[5] Secrets"
    OBJECT_KIND = "secret"


class ConfigsPane(ObjectsPane):
    BINDINGS: ClassVar[list[BindingType]] = [*OBJECT_BINDINGS, ROTATE_BINDING]
    COLUMNS = MOUNTED_COLUMNS
    TITLE = "[6] Configs"
    OBJECT_KIND = "config"


class NetworksPane(ObjectsPane):
    BINDINGS: ClassVar[list[BindingType]] = OBJECT_BINDINGS
    COLUMNS = NETWORK_COLUMNS
    TITLE = "[7] Networks"
    OBJECT_KIND = "network"

    def row_of(self, obj: SwarmObject, now: datetime) -> tuple[str, ...]:
        return network_row(obj, self.users(obj))

    def action_create_object(self) -> None:
        from swarmtui.ui.modals.object_modals import NetworkModal

        if guard(self, "create_object"):
            self.app.push_screen(NetworkModal(self.names), self._changed)


def hidden_object_panes() -> list[ObjectsPane]:
    """The three panes as the main screen holds them: hidden until their key is pressed."""
    panes: list[ObjectsPane] = [
        SecretsPane(id="secrets"),
        ConfigsPane(id="configs"),
        NetworksPane(id="networks"),
    ]
    for pane in panes:
        pane.display = False
    return panes
