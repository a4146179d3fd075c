"""Keys of the services pane that act on the selected service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType
from textual.screen import Screen

from swarmtui.actions.operations import (
    Operation,
    OperationRefused,
    force_redeploy,
    remove_service,
    rollback,
    scale_service,
)
from swarmtui.core.models import Service
from swarmtui.ui.modals.operation_modal import ConfirmModal, ImageModal, ScaleModal

if TYPE_CHECKING:
    from swarmtui.core.models import ClusterSnapshot

SERVICE_BINDINGS: list[BindingType] = [
    Binding("s", "scale", "Scale", id="scale_service"),
    Binding("u", "update_image", "Image", show=False, id="update_service_image"),
    Binding("f", "force_redeploy", "Redeploy", show=False, id="force_redeploy_service"),
    Binding("b", "rollback", "Rollback", show=False, id="rollback_service"),
    Binding("x", "remove_service", "Remove", id="remove_service"),
    Binding("c", "create_service", "Create", id="create_service"),
    Binding("o", "rollout", "Rollout", show=False, id="service_rollout"),
]


def selected_service(screen: Screen[object], key: str | None) -> Service | None:
    snapshot: ClusterSnapshot | None = getattr(screen, "snapshot", None)
    if snapshot is None or key is None:
        return None
    return snapshot.service(key)


def open_service_action(screen: Screen[object], service: Service | None, action: str) -> None:
    if service is None:
        screen.notify("Select a service first.", severity="warning")
        return
    try:
        if action == "scale":
            scale_service(service, service.replicas_desired or 0)  # refuses global and jobs
            screen.app.push_screen(ScaleModal(service))
        elif action == "update_image":
            screen.app.push_screen(ImageModal(service))
        else:
            builders = {
                "force_redeploy": force_redeploy,
                "rollback": rollback,
                "remove_service": remove_service,
            }
            operation: Operation = builders[action](service)
            screen.app.push_screen(ConfirmModal(operation))
    except OperationRefused as exc:
        screen.notify(str(exc), severity="warning", timeout=6)
