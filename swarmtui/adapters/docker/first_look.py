"""The first snapshot's reads over a local socket, without docker-py.

docker-py, requests and urllib3 take a fifth of the console's start to import, and the first
screen needs four GETs only: the engine's API version, /info, /nodes and /services (the tasks
follow once a scope is chosen). `FirstLook` sends them as plain HTTP/1.1 over the unix
socket, one connection each, and maps the answers with the very functions DockerBackend uses,
so the first snapshot is the one it would have made. The session swaps in a DockerBackend
once that snapshot is on screen. Anything unexpected (no socket, an error status, an engine
too old) raises FirstLookFailed: the session then opens the DockerBackend as before, which
explains the failure the usual way.
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any
from urllib.parse import urlencode

from swarmtui.adapters.docker.api_version import MIN_API_VERSION, api_version_tuple
from swarmtui.adapters.docker.known_services import known_services, known_tasks
from swarmtui.adapters.docker.task_filters import task_filters
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.mapping import engine_info_from_json, node_from_json
from swarmtui.core.models import EngineInfo, Node, Service, Task, TaskScope
from swarmtui.core.shared_json import decode_shared

TIMEOUT = 25.0  # DockerBackend's on a local socket
MAX_ANSWER = 1 << 30


class FirstLookFailed(Exception):
    """The first look could not read the engine: open it through docker-py instead."""


class FirstLook:
    """Reads of one engine over a unix socket: the ones the first refresh makes."""

    def __init__(self, endpoint: Endpoint, timeout: float = TIMEOUT) -> None:
        if endpoint.scheme != "unix":
            raise FirstLookFailed(f"not a local socket: {endpoint.display}")
        self._endpoint = endpoint
        self._path = endpoint.url.removeprefix("unix://")
        self._timeout = timeout
        self._headers = config_headers()
        self._self_node_id = ""
        self._known_services = known_services()
        self._known_tasks = known_tasks()
        version = self._get_json("/version").get("ApiVersion")
        if not isinstance(version, str) or api_version_tuple(version) < api_version_tuple(
            MIN_API_VERSION
        ):
            raise FirstLookFailed(f"Engine API {version!r}")
        self._version = version

    @property
    def endpoint_display(self) -> str:
        return self._endpoint.display

    def engine_info(self) -> EngineInfo:
        info = engine_info_from_json(self._get_json(f"/v{self._version}/info"), self._version)
        self._self_node_id = info.node_id
        return info

    def nodes(self) -> list[Node]:
        listed = self._get_json(f"/v{self._version}/nodes")
        return [node_from_json(n, self._self_node_id) for n in listed]

    def services(self) -> list[Service]:
        listed = self._get_json(f"/v{self._version}/services", {"status": "true"})
        return self._known_services.listed(listed)

    def tasks(self, scope: TaskScope) -> list[Task]:
        query = {"filters": json.dumps(task_filters(scope, {}))}
        body = self._get(f"/v{self._version}/tasks", query)
        return self._known_tasks.listed(decode_shared(body))

    def close(self) -> None:
        """Nothing stays open: each read had its own connection."""

    def _get_json(self, path: str, query: dict[str, str] | None = None) -> Any:
        return json.loads(self._get(path, query))

    def _get(self, path: str, query: dict[str, str] | None = None) -> bytes:
        target = f"{path}?{urlencode(query)}" if query else path
        lines = [f"GET {target} HTTP/1.1", "Host: docker", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in self._headers.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(self._timeout)
                sock.connect(self._path)
                sock.sendall(request)
                answer = _read_to_end(sock)
        except OSError as exc:
            raise FirstLookFailed(f"GET {path}: {exc}") from exc
        return http_body(answer, path)


def _read_to_end(sock: socket.socket) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := sock.recv(1 << 16):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_ANSWER:
            raise FirstLookFailed("answer too large")
    return b"".join(chunks)


def http_body(answer: bytes, what: str) -> bytes:
    """The body of the HTTP/1.1 ANSWER (read to the connection's end) when its status is
    200; FirstLookFailed otherwise."""
    head, separator, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    if not separator or len(parts) < 2 or parts[1] != "200":
        raise FirstLookFailed(f"GET {what}: {status_line!r}")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return _unchunked(body, what)
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit() or len(body) < int(length):
            raise FirstLookFailed(f"GET {what}: cut short")
        return body[: int(length)]
    return body


def _unchunked(body: bytes, what: str) -> bytes:
    pieces: list[bytes] = []
    at = 0
    while True:
        line_end = body.find(b"\r\n", at)
        if line_end < 0:
            raise FirstLookFailed(f"GET {what}: cut short")
        size_text = body[at:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError as exc:
            raise FirstLookFailed(f"GET {what}: bad chunk size") from exc
        if size == 0:
            return b"".join(pieces)
        start = line_end + 2
        if start + size > len(body):
            raise FirstLookFailed(f"GET {what}: cut short")
        pieces.append(body[start : start + size])
        at = start + size + 2


def config_headers() -> dict[str, str]:
    """The `HttpHeaders` of the docker CLI's config file, found where docker-py looks for it
    (DockerBackend sends them with every request too)."""
    home = os.path.expanduser("~")
    candidates = [
        os.path.join(os.environ["DOCKER_CONFIG"], "config.json")
        if os.environ.get("DOCKER_CONFIG")
        else "",
        os.path.join(home, ".docker", "config.json"),
        os.path.join(home, ".dockercfg"),
    ]
    found = next((path for path in candidates if path and os.path.exists(path)), None)
    if found is None:
        return {}
    try:
        with open(found) as config:
            headers = json.load(config).get("HttpHeaders")
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(k): str(v) for k, v in headers.items()} if isinstance(headers, dict) else {}
