"""A swarm-scoped event subscription that another thread can close."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import docker

from swarmtui.adapters.docker.stream_close import close_streaming_response
from swarmtui.core.models import SwarmEvent


class EventSubscription:
    """Iterates swarm events until closed; close() unblocks the reader on unix, tcp and ssh."""

    def __init__(self, api: docker.APIClient, since: int | None = None) -> None:
        self._stream = api.events(since=since, filters={"scope": ["swarm"]}, decode=True)
        self._closed = False

    def __iter__(self) -> Iterator[SwarmEvent]:
        for raw in self._stream:
            if self._closed:
                return
            if isinstance(raw, dict):
                yield event_from_json(raw)

    def close(self) -> None:
        self._closed = True
        response = getattr(self._stream, "_response", None)
        if response is not None:
            close_streaming_response(response)


def event_from_json(raw: dict[str, Any]) -> SwarmEvent:
    actor = raw.get("Actor") or {}
    attributes = actor.get("Attributes") or {}
    return SwarmEvent(
        type=str(raw.get("Type", "")),
        action=str(raw.get("Action", "")),
        actor_id=str(actor.get("ID", "")),
        attributes=tuple(sorted((str(k), str(v)) for k, v in attributes.items())),
        time_nano=int(raw.get("timeNano", 0)),
    )
