"""DockerBackend over tcp gives each whole list the read timeout its last answer earned.

A loopback HTTP server plays a manager whose services list takes a set time to come; the
timeouts are scaled down (tenths of a second) so that the test stays quick.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar

import pytest
from helpers.loopback_manager import backend_on

from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.read_timeouts import ListTimeouts
from swarmtui.core.errors import BackendError
from swarmtui.demo.cluster import SERVICES_JSON

SERVICES_KEY = '/services{"status": "true"}'


class SlowManager(BaseHTTPRequestHandler):
    """Answers /version at once and /services after DELAY seconds."""

    delay: ClassVar[float] = 0.0

    def do_GET(self) -> None:
        if "/services" in self.path:
            time.sleep(type(self).delay)
            body = json.dumps(SERVICES_JSON).encode()
        elif self.path.endswith("/version"):
            body = json.dumps({"ApiVersion": "1.41", "MinAPIVersion": "1.12"}).encode()
        else:
            body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client may have given up waiting
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def backend() -> Iterator[DockerBackend]:
    with backend_on(SlowManager) as made:
        made._list_timeouts = ListTimeouts(floor=0.3, cap=1.2)
        yield made


def test_a_list_slower_than_the_floor_arrives_and_earns_a_longer_timeout(
    backend: DockerBackend,
) -> None:
    SlowManager.delay = 0.5  # longer than the floor: a fixed 0.3 s would fail every poll
    assert len(backend.services()) == len(SERVICES_JSON)  # never answered yet: the cap
    earned = backend._list_timeouts.timeout(SERVICES_KEY)
    assert 1.0 <= earned <= 1.2  # three times the answer's time, under the cap
    assert len(backend.services()) == len(SERVICES_JSON)


def test_a_list_that_timed_out_gets_longer_the_next_time(backend: DockerBackend) -> None:
    SlowManager.delay = 0.0
    backend.services()
    assert backend._list_timeouts.timeout(SERVICES_KEY) == 0.3  # quick: the floor
    SlowManager.delay = 0.5
    with pytest.raises(BackendError):
        backend.services()
    assert backend._list_timeouts.timeout(SERVICES_KEY) == 0.6
    assert len(backend.services()) == len(SERVICES_JSON)
