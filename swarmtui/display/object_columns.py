"""Rows for the secrets, configs and networks panes: what `docker secret|config|network ls`
show, plus the services using each (found in the services already fetched)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from swarmtui.core.models import Service
from swarmtui.core.swarm_objects import SwarmObject, attached_tasks, used_by_text
from swarmtui.display.columns import Column, humanize_age

MOUNTED_COLUMNS = (
    Column("name", "NAME"),
    Column("id", "ID", 12, sortable=False),
    Column("used_by", "USED BY"),
    Column("created", "CREATED"),
    Column("updated", "UPDATED"),
    Column("labels", "LABELS"),
)
NETWORK_COLUMNS = (
    Column("name", "NAME"),
    Column("id", "ID", 12, sortable=False),
    Column("driver", "DRIVER"),
    Column("scope", "SCOPE"),
    Column("used_by", "SERVICES"),
    Column("tasks", "TASKS"),
    Column("attachable", "ATTACHABLE"),
    Column("encrypted", "ENCRYPTED"),
    Column("subnet", "SUBNET"),
    Column("gateway", "GATEWAY"),
    Column("labels", "LABELS"),
)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def mounted_row(obj: SwarmObject, users: Sequence[Service], now: datetime) -> tuple[str, ...]:
    return (
        obj.name,
        obj.id[:12],
        used_by_text(users),
        humanize_age(obj.created_at, now),
        humanize_age(obj.updated_at, now),
        obj.labels_text,
    )


def network_row(obj: SwarmObject, users: Sequence[Service]) -> tuple[str, ...]:
    return (
        obj.name,
        obj.id[:12],
        obj.driver,
        obj.scope,
        used_by_text(users),
        str(attached_tasks(users)) if users else "0",
        _yes(obj.attachable),
        _yes(obj.encrypted),
        ",".join(obj.subnets),
        ",".join(obj.gateways),
        obj.labels_text,
    )
