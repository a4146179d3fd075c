"""After a rotation: wait until every service using the new secret or config runs only
tasks that mount it (read from the engine, by polling each service's tasks)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from swarmtui.core.models import ScopeKind, Service, TaskScope
from swarmtui.core.swarm_objects import MountedType, tasks_settled
from swarmtui.session.session import Session

ROLLOUT_TIMEOUT = 300.0
POLL_SECONDS = 1.0


def wait_for_rollouts(
    session: Session,
    kind: MountedType,
    services: Sequence[Service],
    new_id: str,
    *,
    timeout: float = ROLLOUT_TIMEOUT,
    progress: Callable[[list[str]], None] = lambda pending: None,
    stop: threading.Event | None = None,
) -> list[str]:
    """Poll until each of SERVICES settled on NEW_ID; the names of those that did not
    within TIMEOUT, or when STOP was set (empty: all done). PROGRESS hears the names still
    pending."""
    stop = stop or threading.Event()
    pending = list(services)
    deadline = time.monotonic() + timeout
    while pending:
        still = []
        for service in pending:
            scope = TaskScope(ScopeKind.SERVICE, service.id, service.name)
            tasks = session.backend().tasks(scope)
            wants_tasks = service.replicas_desired != 0
            if not tasks_settled([t.raw for t in tasks], kind, new_id, wants_tasks):
                still.append(service)
        pending = still
        progress([s.name for s in pending])
        if not pending or time.monotonic() > deadline or stop.wait(POLL_SECONDS):
            break
    return [s.name for s in pending]
