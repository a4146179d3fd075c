"""Read-only mode: which actions change the cluster, and so are hidden and refused."""

from __future__ import annotations

from swarmtui.actions.operations import OperationRefused

READ_ONLY_MESSAGE = "Read-only mode: swarmtui makes no changes."

MUTATING_ACTIONS = frozenset(
    {
        "create_service",
        "edit_service",
        "edit_yaml",
        "deploy_stack",
        "remove_stack",
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
        "create_object",
        "remove_object",
        "rotate_object",
    }
)


def refuse_when_read_only(read_only: bool) -> None:
    """Raise OperationRefused while the console is read-only (every write path calls it)."""
    if read_only:
        raise OperationRefused(READ_ONLY_MESSAGE)


def allowed(read_only: bool, action: str) -> bool:
    """False for a mutating action while the console is read-only."""
    return not (read_only and action in MUTATING_ACTIONS)
