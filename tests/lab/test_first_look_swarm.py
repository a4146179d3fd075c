"""FirstLook (the first snapshot's reads without docker-py) against the real lab swarm, on a
local socket as the console's default engine is: a relay makes the lab manager's TCP API a
unix socket, byte for byte. What it reads is what DockerBackend reads."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from helpers.swarm import ping_service
from helpers.waiting import wait_for

from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.first_look import FirstLook, FirstLookFailed
from swarmtui.adapters.docker.lab import Lab
from swarmtui.cli.console import manager_answers
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.models import ScopeKind, TaskScope

CONVERGE_TIMEOUT = 60.0


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(1 << 16):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


class _Relay(socketserver.BaseRequestHandler):
    manager: tuple[str, int] = ("", 0)

    def handle(self) -> None:
        with socket.create_connection(self.manager, timeout=30) as upstream:
            back = threading.Thread(target=_pump, args=(upstream, self.request), daemon=True)
            back.start()
            _pump(self.request, upstream)
            back.join(30)


@pytest.fixture(scope="module")
def local_socket(lab_swarm: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """unix:// URL of a socket relayed to the lab manager's API."""
    url = urlsplit(lab_swarm.manager_url)
    assert url.hostname and url.port
    relay = type("Relay", (_Relay,), {"manager": (url.hostname, url.port)})
    path = Path(tmp_path_factory.mktemp("engine")) / "docker.sock"
    server = socketserver.ThreadingUnixStreamServer(str(path), relay)
    server.daemon_threads = True
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        yield f"unix://{path}"
    finally:
        server.shutdown()
        server.server_close()
        serving.join(10)


def test_the_first_look_reads_what_docker_backend_reads(
    local_socket: str, manager_client: Any, prefix: str
) -> None:
    endpoint = Endpoint(local_socket, "--host")
    service = ping_service(manager_client, f"{prefix}-look", 3)
    backend = DockerBackend(endpoint)
    try:
        wait_for(
            lambda: any(s.id == service.id and s.replicas_running == 3 for s in backend.services()),
            CONVERGE_TIMEOUT,
            "3 tasks running",
        )
        scope = TaskScope(ScopeKind.SERVICE, service.id, f"{prefix}-look")
        look = FirstLook(endpoint)

        def same() -> bool:
            # read back to back; a node's heartbeat may move between two reads: again
            return (
                look.engine_info() == backend.engine_info()
                and look.nodes() == backend.nodes()
                and look.services() == backend.services()
                and look.tasks(scope) == backend.tasks(scope)
            )

        wait_for(same, CONVERGE_TIMEOUT, "the same reads")
        assert len(look.tasks(scope)) == 3
        assert {n.hostname for n in look.nodes()} == {"manager1", "worker1", "worker2"}
        assert look.endpoint_display == backend.endpoint_display == local_socket
    finally:
        backend.close()


def test_no_engine_at_the_socket_fails_the_first_look(tmp_path: Path) -> None:
    with pytest.raises(FirstLookFailed):
        FirstLook(Endpoint(f"unix://{tmp_path}/none.sock", "--host"))


def test_the_console_default_asks_the_local_engine_without_docker_py(
    local_socket: str, tmp_path: Path
) -> None:
    assert manager_answers(Endpoint(local_socket, "default"))
    assert not manager_answers(Endpoint(f"unix://{tmp_path}/none.sock", "default"))
