"""Swarm events as the events view shows them: time, object, action, what changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from swarmtui.core.models import SwarmEvent
from swarmtui.core.search_pattern import search_pattern

EVENT_TYPES = ("service", "node", "secret", "config", "network")
ARROW = "→"


@dataclass(frozen=True)
class EventRow:
    time: str  # HH:MM:SS UTC
    kind: str
    name: str
    action: str
    changes: str
    actor_id: str

    @property
    def object(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def text(self) -> str:
        """What a filter matches against."""
        return f"{self.kind} {self.name} {self.action} {self.changes} {self.actor_id}"


def event_name(event: SwarmEvent) -> str:
    return event.attribute("name") or event.actor_id[:12]


def changed_attributes(event: SwarmEvent) -> str:
    """`replicas 1→3, image a→b` from the engine's `X.old`/`X.new` pairs; other attributes
    but the name as `key=value`."""
    attributes = dict(event.attributes)
    parts: list[str] = []
    done: set[str] = {"name"}
    for key in sorted(attributes):
        if key in done:
            continue
        base, _, suffix = key.rpartition(".")
        if suffix in ("old", "new") and base:
            old, new = attributes.get(f"{base}.old", ""), attributes.get(f"{base}.new", "")
            done.update((f"{base}.old", f"{base}.new"))
            parts.append(f"{base} {old or '∅'}{ARROW}{new or '∅'}")
        else:
            done.add(key)
            parts.append(f"{key}={attributes[key]}")
    return ", ".join(parts)


def event_row(event: SwarmEvent) -> EventRow:
    at = datetime.fromtimestamp(event.time_nano / 1e9, UTC)
    return EventRow(
        time=at.strftime("%H:%M:%S"),
        kind=event.type,
        name=event_name(event),
        action=event.action,
        changes=changed_attributes(event),
        actor_id=event.actor_id,
    )


def matches(row: EventRow, text: str, actor_id: str | None = None) -> bool:
    """Whether ROW passes the typed filter TEXT (regex or plain text; `type:X` keeps one
    type) and, when ACTOR_ID is given, is about that object."""
    if actor_id is not None and row.actor_id != actor_id:
        return False
    words = []
    for word in text.split():
        if word.startswith("type:"):
            if row.kind != word[5:].lower():
                return False
        else:
            words.append(word)
    rest = " ".join(words)
    return not rest or search_pattern(rest).search(row.text) is not None
