"""The change figure 3 puts on screen: one service update request, sent as any client of the
engine sends it, and the engine's event about that change timed by a client that only listens.
Timing from the request (not from a CLI process about to start) splits the figure into the
engine's share (the event's delivery) and the console's (event to screen)."""

from __future__ import annotations

import threading
import time
from typing import Any

from swarmtui.adapters.docker.engine_setup import engine_client


def scale_by_api(client: Any, service_id: str, replicas: int) -> tuple[float, float]:
    """Set SERVICE_ID's replicas with one update request, its spec read beforehand (untimed).
    Returns the monotonic times the request was sent and answered."""
    api = client.api
    service = api.inspect_service(service_id)
    spec = service["Spec"]
    spec["Mode"] = {"Replicated": {"Replicas": replicas}}
    url = f"{api.base_url}/v{api.api_version}/services/{service_id}/update"
    sent = time.monotonic()
    response = api.post(url, params={"version": service["Version"]["Index"]}, json=spec)
    answered = time.monotonic()
    response.raise_for_status()
    return sent, answered


class UpdateEvents:
    """Arrival times of the engine's update events about one service, on a connection of
    its own that only listens."""

    def __init__(self, manager_url: str, service_id: str) -> None:
        self._client = engine_client(manager_url, timeout=300)
        self._service_id = service_id
        self._arrivals: list[float] = []
        self._lock = threading.Lock()
        self._stream = self._client.api.events(
            decode=True, filters={"type": "service", "event": "update"}
        )
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        try:
            for event in self._stream:
                if event.get("Actor", {}).get("ID") == self._service_id:
                    with self._lock:
                        self._arrivals.append(time.monotonic())
        except Exception:  # the stream closed under it at the end
            return

    def first_after(self, since: float, timeout: float) -> float | None:
        """The first arrival at or after SINCE, waiting up to TIMEOUT seconds for it."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                arrival = next((a for a in self._arrivals if a >= since), None)
            if arrival is not None or time.monotonic() > deadline:
                return arrival
            time.sleep(0.001)

    def close(self) -> None:
        self._stream.close()
        self._client.close()
