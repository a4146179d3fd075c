"""The demo cluster's recent swarm events: what the engine "still holds" when the events
view opens, at fixed times before DEMO_NOW (deterministic screens)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from swarmtui.core.models import SwarmEvent


def _event(
    at: datetime, kind: str, action: str, actor: str, name: str, **changes: str
) -> SwarmEvent:
    attributes = {"name": name} | {k.replace("__", "."): v for k, v in changes.items()}
    return SwarmEvent(
        type=kind,
        action=action,
        actor_id=actor,
        attributes=tuple(sorted(attributes.items())),
        time_nano=int(at.timestamp()) * 1_000_000_000,
    )


def demo_events(now: datetime, nodes: list[str], services: list[str]) -> list[SwarmEvent]:
    """NODES and SERVICES: the demo's (id, name) pairs as `id:name`."""
    node = [n.split(":", 1) for n in nodes]
    service = [s.split(":", 1) for s in services]

    def ago(minutes: float) -> datetime:
        return now - timedelta(minutes=minutes)

    return [
        _event(ago(31), "network", "create", "n3tw0rk00000000000000001", "demo_default"),
        _event(ago(30), "service", "create", *service[0]),
        _event(ago(30), "service", "create", *service[1]),
        _event(ago(29), "secret", "create", "s3cr3t00000000000000001", "db_password"),
        _event(ago(29), "service", "create", *service[2]),
        _event(
            ago(12),
            "node",
            "update",
            *node[2],
            availability__old="active",
            availability__new="drain",
        ),
        _event(
            ago(11),
            "node",
            "update",
            *node[2],
            availability__old="drain",
            availability__new="active",
        ),
        _event(ago(4), "service", "update", *service[1], replicas__old="2", replicas__new="3"),
        _event(
            ago(2),
            "service",
            "update",
            *service[1],
            image__old="httpd:2.4.57",
            image__new="httpd:2.4.58",
            updatestate__new="updating",
        ),
        _event(ago(1), "config", "create", "c0nf1g00000000000000001", "web_conf"),
    ]


class DemoEventHistory:
    """A finished stream: the events between SINCE and UNTIL (seconds), then its end."""

    def __init__(self, events: list[SwarmEvent], since: float, until: float) -> None:
        self._events = [e for e in events if since <= e.time_nano / 1e9 <= until]

    def __iter__(self) -> Iterator[SwarmEvent]:
        return iter(self._events)

    def close(self) -> None:
        return None
