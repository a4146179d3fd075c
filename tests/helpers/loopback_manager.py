"""A DockerBackend talking to a loopback HTTP server that plays a manager (the handler
given answers), for unit tests of how the backend reads the engine's answers."""

from __future__ import annotations

import contextlib
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.core.endpoints import Endpoint


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def backend_on(handler: type[BaseHTTPRequestHandler]) -> Iterator[DockerBackend]:
    """A DockerBackend over tcp to a server answering with HANDLER; both closed after."""
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    backend = DockerBackend(Endpoint(f"tcp://127.0.0.1:{server.server_address[1]}", "--host"))
    try:
        yield backend
    finally:
        backend.close()
        server.shutdown()
        server.server_close()
