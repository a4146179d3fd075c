"""`E` on a service: its live spec is read (with the names of networks, secrets and configs)
and the edit form opens on it; `ctrl+e` in the form or `e` on the raw inspect view: the spec
as YAML in $EDITOR, checked, then shown as a confirmation with its `docker service update`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message_pump import MessagePump
from textual.widget import Widget

from swarmtui.actions.service_edit import (
    SwarmNames,
    edit_service_spec,
    parse_spec_yaml,
    spec_patch,
    spec_yaml,
)
from swarmtui.actions.validation import InputError
from swarmtui.core.errors import BackendError
from swarmtui.core.models import Service
from swarmtui.ui.editor_handover import EditorFailed
from swarmtui.ui.modals.operation_modal import ConfirmModal
from swarmtui.ui.session_access import SessionApp, guard, session_of

Inspected = dict[str, Any]


def read_for_edit(opener: MessagePump, service_id: str) -> tuple[Inspected, SwarmNames]:
    """(the service as inspected, the names) — blocking, from a worker thread."""
    session = session_of(opener)
    inspected = session.read(lambda b: b.inspect("service", service_id))
    return inspected, session.swarm_names()


def open_service_edit(
    opener: Widget, service: Service | None, loaded: Callable[[], object] = lambda: None
) -> None:
    """Read SERVICE's spec (on a worker) and open the form; LOADED runs on the UI thread once
    the form is open or the read failed (the pane is busy until then: keys typed after `E`
    wait for the form)."""
    if service is None:
        opener.notify("Select a service first.", severity="warning")
        return
    if not guard(opener, "edit_service"):
        return
    app = opener.app

    def failed(message: str) -> None:
        loaded()
        app.notify(message, severity="error", timeout=8)

    def show(inspected: Inspected, names: SwarmNames) -> None:
        _show_form(opener, service, inspected, names)
        loaded()

    def load() -> None:
        try:
            inspected, names = read_for_edit(opener, service.id)
        except BackendError as exc:
            app.call_from_thread(failed, exc.message)
            return
        app.call_from_thread(show, inspected, names)

    opener.run_worker(load, thread=True, group="service-edit", exclusive=True)


def _show_form(opener: Widget, service: Service, inspected: Inspected, names: SwarmNames) -> None:
    from swarmtui.ui.screens.edit_service_screen import EditServiceScreen

    def saved(ok: bool | None) -> None:
        if ok:
            opener.app.notify(f"Service {service.name} updated.")

    opener.app.push_screen(EditServiceScreen(service, inspected, names), saved)


def edit_spec_yaml(
    opener: MessagePump,
    service: Service,
    inspected: Inspected,
    names: SwarmNames,
    on_saved: Callable[[], object] | None = None,
) -> str | None:
    """The spec in $EDITOR, checked and confirmed; the problem when nothing is to be done
    (bad YAML, an invalid value, no change, the editor failed) — nothing is changed then."""
    app = opener.app
    if not isinstance(app, SessionApp):
        raise TypeError("the spec editor needs the swarmtui app")
    if not guard(opener, "edit_service"):
        return None
    original = inspected["Spec"]
    version = int(inspected.get("Version", {}).get("Index", 0))
    try:
        text = app.edit_text(spec_yaml(original, version), f"{service.name}.yaml")
        edited = parse_spec_yaml(text, original, names)
    except EditorFailed as exc:
        return f"{exc} Nothing was changed."
    except InputError as exc:
        return f"{exc.message} Nothing was changed."
    if not spec_patch(original, edited).changes:
        return "The spec was not changed."
    operation = edit_service_spec(service, original, edited, names)

    def confirmed(ok: bool | None) -> None:
        if ok:
            app.notify(f"Service {service.name} updated.")
            if on_saved is not None:
                on_saved()

    app.push_screen(ConfirmModal(operation), confirmed)
    return None
