"""Fields holding one value: changed means set (or removed when emptied), as the CLI's
`--image`, `--replicas`, `--restart-delay`, `--limit-memory`, `--hostname` ... do."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from swarmtui.actions.service_edit.edits import FieldEdit
from swarmtui.actions.service_edit.form import ROLLBACK_FAILURE_ACTIONS, ServiceEditForm
from swarmtui.actions.service_edit.spec_tree import CONTAINER, PLACEMENT, Path, Spec, put
from swarmtui.actions.service_form import FAILURE_ACTIONS, RESTART_CONDITIONS, UPDATE_ORDERS
from swarmtui.actions.validation import (
    InputError,
    parse_cpus,
    parse_duration,
    parse_memory,
    parse_replicas,
    parse_whole,
    validate_image,
)

Parse = Callable[[str, str], Any]  # (text, field) -> the engine's value; None removes the key


@dataclass(frozen=True)
class Scalar:
    field: str
    flag: str
    path: Path
    parse: Parse
    emptied: str = ""  # the flag's value when the field is emptied


def _required(parse: Parse, example: str) -> Parse:
    """For Go pointers and non-omitempty numbers: empty is not `unset`, ask for a value."""

    def parse_required(text: str, field: str) -> Any:
        value = parse(text, field)
        if value is None:
            raise InputError(field, f"Enter a value (for example {example}).")
        return value

    return parse_required


def _choice(choices: tuple[str, ...]) -> Parse:
    def parse_choice(text: str, field: str) -> str:
        if text not in choices:
            raise InputError(field, f"{text!r}: choose one of {', '.join(choices)}.")
        return text

    return parse_choice


def _args(text: str, field: str) -> list[str] | None:
    try:
        return shlex.split(text) or None
    except ValueError as exc:
        raise InputError(field, f"Command: {exc}.") from None


def _user(text: str, field: str) -> str | None:
    value = text.strip()
    if any(c.isspace() for c in value):
        raise InputError(field, f"{value!r}: a user is NAME, UID or UID:GID, without spaces.")
    return value or None


def _workdir(text: str, field: str) -> str | None:
    value = text.strip()
    if value and not value.startswith("/"):
        raise InputError(field, f"{value!r}: the working directory must be an absolute path.")
    return value or None


def _hostname(text: str, field: str) -> str | None:
    value = text.strip()
    if len(value) > 253 or any(c.isspace() for c in value):
        raise InputError(field, f"{value!r} is not a host name (no spaces, at most 253).")
    return value or None


def _image(text: str, field: str) -> str:
    return validate_image(text)


RESTART = ("TaskTemplate", "RestartPolicy")
LIMITS = ("TaskTemplate", "Resources", "Limits")
RESERVATIONS = ("TaskTemplate", "Resources", "Reservations")
SCALARS = (
    Scalar("image", "--image", (*CONTAINER, "Image"), _image),
    Scalar("replicas", "--replicas", ("Mode", "Replicated", "Replicas"), parse_replicas),
    Scalar("command", "--args", (*CONTAINER, "Args"), _args),
    Scalar(
        "restart_condition",
        "--restart-condition",
        (*RESTART, "Condition"),
        _choice(RESTART_CONDITIONS),
    ),
    Scalar(
        "restart_delay",
        "--restart-delay",
        (*RESTART, "Delay"),
        _required(parse_duration, "5s, or 0s for none"),
    ),
    Scalar(
        "restart_max_attempts",
        "--restart-max-attempts",
        (*RESTART, "MaxAttempts"),
        _required(parse_whole, "3, or 0 for no limit"),
    ),
    Scalar(
        "restart_window",
        "--restart-window",
        (*RESTART, "Window"),
        _required(parse_duration, "1m, or 0s for none"),
    ),
    Scalar(
        "update_parallelism",
        "--update-parallelism",
        ("UpdateConfig", "Parallelism"),
        _required(parse_whole, "1, or 0 for all at once"),
    ),
    Scalar("update_delay", "--update-delay", ("UpdateConfig", "Delay"), parse_duration, "0s"),
    Scalar("update_order", "--update-order", ("UpdateConfig", "Order"), _choice(UPDATE_ORDERS)),
    Scalar(
        "update_failure_action",
        "--update-failure-action",
        ("UpdateConfig", "FailureAction"),
        _choice(FAILURE_ACTIONS),
    ),
    Scalar(
        "rollback_parallelism",
        "--rollback-parallelism",
        ("RollbackConfig", "Parallelism"),
        _required(parse_whole, "1, or 0 for all at once"),
    ),
    Scalar("rollback_delay", "--rollback-delay", ("RollbackConfig", "Delay"), parse_duration, "0s"),
    Scalar(
        "rollback_order", "--rollback-order", ("RollbackConfig", "Order"), _choice(UPDATE_ORDERS)
    ),
    Scalar(
        "rollback_failure_action",
        "--rollback-failure-action",
        ("RollbackConfig", "FailureAction"),
        _choice(ROLLBACK_FAILURE_ACTIONS),
    ),
    Scalar("limit_cpus", "--limit-cpu", (*LIMITS, "NanoCPUs"), parse_cpus, "0"),
    Scalar("limit_memory", "--limit-memory", (*LIMITS, "MemoryBytes"), parse_memory, "0"),
    Scalar("reserve_cpus", "--reserve-cpu", (*RESERVATIONS, "NanoCPUs"), parse_cpus, "0"),
    Scalar("reserve_memory", "--reserve-memory", (*RESERVATIONS, "MemoryBytes"), parse_memory, "0"),
    Scalar(
        "max_replicas", "--replicas-max-per-node", (*PLACEMENT, "MaxReplicas"), parse_whole, "0"
    ),
    Scalar("hostname", "--hostname", (*CONTAINER, "Hostname"), _hostname),
    Scalar("user", "--user", (*CONTAINER, "User"), _user),
    Scalar("workdir", "--workdir", (*CONTAINER, "Dir"), _workdir),
)


def scalar_edits(before: ServiceEditForm, after: ServiceEditForm) -> list[FieldEdit]:
    edits = []
    for scalar in SCALARS:
        old, new = getattr(before, scalar.field), getattr(after, scalar.field)
        if old == new:
            continue
        value = scalar.parse(new, scalar.field)
        shown = scalar.emptied if value is None else new.strip()
        if scalar.field == "command":
            shown = new  # --args takes the whole command line as one word
        edits.append(FieldEdit(scalar.field, (scalar.flag, shown), _setter(scalar.path, value)))
    return edits


def _setter(path: Path, value: Any) -> Callable[[Spec], None]:
    return lambda spec: put(spec, path, value)
