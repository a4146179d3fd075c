"""A swarm-scoped event subscription that another thread can close."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import docker
import requests
from urllib3.exceptions import ProtocolError

from swarmtui.adapters.docker.engine_http import engine_url, get, raise_for_status
from swarmtui.adapters.docker.stream_close import close_streaming_response
from swarmtui.core.models import SwarmEvent

NO_TIMEOUT = (None, None)  # the stream is as quiet as the swarm: no read timeout


class EventSubscription:
    """`GET /events` for swarm events, one JSON object a line; iterates until the engine ends
    the stream or close() is called (from any thread, on unix, tcp and ssh)."""

    def __init__(
        self, api: docker.APIClient, since: str | None = None, until: str | None = None
    ) -> None:
        params: dict[str, Any] = {"filters": json.dumps({"scope": ["swarm"]})}
        if since is not None:
            params["since"] = since
        if until is not None:
            params["until"] = until
        self._response = get(
            api, engine_url(api, "/events"), params=params, stream=True, timeout=NO_TIMEOUT
        )
        self._closed = False

    def __iter__(self) -> Iterator[SwarmEvent]:
        raise_for_status(self._response)
        try:
            for line in self._response.iter_lines():
                if self._closed:
                    return
                raw = json.loads(line) if line else None
                if isinstance(raw, dict):
                    yield event_from_json(raw)
        except (requests.RequestException, ProtocolError, OSError):
            return  # the connection ended (or was closed): the stream is over

    def close(self) -> None:
        self._closed = True
        close_streaming_response(self._response)


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
