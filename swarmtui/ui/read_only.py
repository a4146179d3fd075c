"""Which actions change the cluster: hidden and refused in read-only mode."""

from __future__ import annotations

from textual.app import App

MUTATING_ACTIONS = frozenset(
    {
        "create_service",
        "scale",
        "update_image",
        "force_redeploy",
        "rollback",
        "remove_service",
        "node_menu",
        "edit_labels",
        "join_tokens",
        "rotate_token",
        "leave_swarm",
        "create_machine",
        "join_machine",
        "leave_machine",
        "remove_machine",
        "start_machine",
        "stop_machine",
    }
)


def allowed(app: App[None], action: str) -> bool:
    """False for a mutating action while the app is read-only."""
    return not (getattr(app, "read_only", False) and action in MUTATING_ACTIONS)


def guard(app: App[None], action: str) -> bool:
    """`allowed`, telling the user when it is not: for palette commands, remapped keys and
    keys of screens that reach a mutating action some other way than a checked binding."""
    if allowed(app, action):
        return True
    app.notify("Read-only mode: swarmtui makes no changes.", severity="warning")
    return False
