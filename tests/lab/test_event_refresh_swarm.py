"""An event costs requests about its object only, against the real lab swarm: another
client scales one service and removes another; the session's model shows both, and every
request the console made for them names that service (no re-list of the cluster).

Requests are recorded as the engine receives them: the backend's own response hook sees
each HTTP request docker-py sends."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

import requests
from helpers.swarm import create_service, update_service_raw
from helpers.waiting import wait_for

from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.models import ScopeKind, Service, TaskScope
from swarmtui.session.refresher import HOT_POLL_INTERVAL, RefreshTimings
from swarmtui.session.session import Connected, Session

TIMEOUT = 90.0
QUIET = 600.0  # the periodic polls and resyncs stay out of the test's way


class RecordingBackend(DockerBackend):
    """The real backend, recording each request it makes: (path, query parameters)."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self._recording = threading.Lock()
        super().__init__(endpoint)

    def _count_request(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        super()._count_request(response, *args, **kwargs)
        url = urllib.parse.urlsplit(str(response.request.url))
        path = "/" + url.path.split("/", 2)[2]  # without the API version
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        if "filters" in query:
            query["filters"] = json.loads(query["filters"])
        with self._recording:
            self.requests.append((path, query))

    def take(self) -> list[tuple[str, dict[str, Any]]]:
        with self._recording:
            taken, self.requests = self.requests, []
        return [(path, query) for path, query in taken if path != "/events"]


def pending_service(name: str) -> dict[str, Any]:
    """No node satisfies its constraint: its tasks stay pending, no container runs."""
    return {
        "Name": name,
        "TaskTemplate": {
            "ContainerSpec": {"Image": WORKLOAD_IMAGE, "Command": ["sleep", "1d"]},
            "Placement": {"Constraints": ["node.labels.swarmtui-never==1"]},
        },
        "Mode": {"Replicated": {"Replicas": 1}},
    }


def about(service_id: str, request: tuple[str, dict[str, Any]]) -> bool:
    """Whether REQUEST asks for SERVICE_ID alone: the service by id, or its tasks."""
    path, query = request
    filters = query.get("filters") or {}
    if path == "/services":
        return filters.get("id") == [service_id]
    if path == "/tasks":
        return filters.get("service") == [service_id]
    return False


@contextlib.contextmanager
def synced_session(backend: RecordingBackend) -> Iterator[Session]:
    """A session on BACKEND with its sync loops running on threads, closed afterwards."""
    session = Session(lambda: backend, Config())
    assert isinstance(session.connect(), Connected)
    refresher = session.refresher
    assert refresher is not None
    refresher.timings = RefreshTimings(poll_interval=QUIET, resync_interval=QUIET)
    threads = [threading.Thread(target=loop, daemon=True) for _, loop in session.sync_loops()]
    for thread in threads:
        thread.start()
    try:
        yield session
    finally:
        session.close()
        for thread in threads:
            thread.join(30)


def service_in(session: Session, service_id: str) -> Service | None:
    snapshot = session.model.snapshot
    return snapshot.service(service_id) if snapshot is not None else None


def shown_tasks(session: Session) -> int | None:
    snapshot = session.model.snapshot
    return len(snapshot.tasks) if snapshot is not None and snapshot.task_scope else None


def test_an_event_fetches_its_service_alone(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    # Created before the console starts: their create events are history, not news.
    scaled = create_service(manager_client, pending_service(f"{prefix}-scaled"))
    removed = create_service(manager_client, pending_service(f"{prefix}-removed"))
    backend = RecordingBackend(Endpoint(lab_swarm.manager_url, "--host"))
    with synced_session(backend) as session:
        refresher = session.refresher
        assert refresher is not None
        wait_for(lambda: session.model.events_connected, TIMEOUT, "the event stream")
        session.set_task_scope(TaskScope(ScopeKind.SERVICE, scaled, f"{prefix}-scaled"))
        wait_for(lambda: shown_tasks(session) == 1, TIMEOUT, "the scaled service's task")
        # The first syncs changed everything: the re-lists go fast for a while, then calm.
        wait_for(lambda: refresher.seconds_until_due() > HOT_POLL_INTERVAL, TIMEOUT, "a calm sync")
        snapshot = session.model.snapshot
        assert snapshot is not None and service_in(session, removed) is not None
        before = len(snapshot.services)
        backend.take()

        manager_client.api.remove_service(removed)
        wait_for(lambda: service_in(session, removed) is None, TIMEOUT, "the removal")
        for_removal = backend.take()
        assert for_removal, "the removal cost no request: the model did not follow the event"
        assert all(about(removed, r) for r in for_removal), for_removal

        update_service_raw(
            manager_client, scaled, lambda spec: spec["Mode"]["Replicated"].update(Replicas=3)
        )
        wait_for(
            lambda: (s := service_in(session, scaled)) is not None and s.replicas_desired == 3,
            TIMEOUT,
            "the scale in the model",
        )
        wait_for(lambda: shown_tasks(session) == 3, TIMEOUT, "its three tasks in the model")
        for_scale = backend.take()
        assert ("/services", {"status": "true", "filters": {"id": [scaled]}}) in for_scale
        assert all(about(scaled, r) for r in for_scale), for_scale
        # The rest of the model is as it was.
        snapshot = session.model.snapshot
        assert snapshot is not None and len(snapshot.services) == before - 1
