"""The problem screens the console shows instead of a traceback, without Docker: an
unreachable engine, a malformed URL, an engine whose API is too old (a fake engine on
loopback), and how engine errors are classified."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import docker.errors
import pytest
from helpers.pilot import SIZE, problem_of, text_of, wait_problem_screen
from helpers.pilot import swarm_app as lab_app
from textual.widgets import Static

from swarmtui.adapters.docker.docker_backend import connect
from swarmtui.adapters.docker.engine_setup import LOCAL_ENGINE_URL
from swarmtui.adapters.docker.errors import classify
from swarmtui.cli import main as cli
from swarmtui.core.endpoints import Endpoint, EndpointError, resolve_endpoints
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.ui.app import SwarmTuiApp


async def test_unreachable_engine() -> None:
    error = await problem_of(lab_app("tcp://127.0.0.1:1"))
    assert error.kind is ProblemKind.UNREACHABLE
    assert "tcp://127.0.0.1:1" in error.message


@pytest.mark.parametrize(
    "host",
    ["foo", "tcp://127.0.0.1", "ftp://127.0.0.1:21", "unix://relative.sock", "ssh://"],
)
def test_resolve_endpoints_refuses_malformed_hosts(host: str) -> None:
    with pytest.raises(EndpointError, match="endpoint"):
        resolve_endpoints([host], env={})


async def test_malformed_host_from_the_cli_shows_a_problem_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[SwarmTuiApp] = []

    def fake_run(self: SwarmTuiApp, *args: object, **kwargs: object) -> None:
        started.append(self)

    monkeypatch.setattr(SwarmTuiApp, "run", fake_run)
    assert cli.main(["--host", "foo", "--config", str(tmp_path / "absent.toml")]) == 0
    [app] = started
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_problem_screen(pilot)
        assert screen.error.kind is ProblemKind.MALFORMED_ENDPOINT
        assert "'foo'" in screen.error.message and "scheme" in screen.error.message
        assert "--host" in screen.error.hint
        assert "Fix the --host value" in text_of(screen.query_one("#problem-next", Static))
        assert app.session.refresher is None  # nothing was contacted


class _FakeEngineHandler(BaseHTTPRequestHandler):
    api_version = "1.30"
    paths: list[str]

    def do_GET(self) -> None:
        self.paths.append(self.path)
        if self.path.endswith("/_ping"):
            body, kind = b"OK", "text/plain"
        elif self.path.endswith("/version"):
            version = {"ApiVersion": self.api_version, "MinAPIVersion": "1.12", "Version": "17.06"}
            body, kind = json.dumps(version).encode(), "application/json"
        else:
            body, kind = b'{"message": "not faked"}', "application/json"
            self.send_response(404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Api-Version", self.api_version)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def address_string(self) -> str:  # a unix socket peer has no address
        return "unix"

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _UnixHttpServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@pytest.fixture
def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """A tiny HTTP server on a unix socket that claims to be an old engine."""
    paths: list[str] = []
    handler = type("Handler", (_FakeEngineHandler,), {"api_version": request.param, "paths": paths})
    socket_path = tmp_path / "engine.sock"
    server = _UnixHttpServer(str(socket_path), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"unix://{socket_path}", paths
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize("old_engine", ["1.30", "1.12"], indirect=True)
async def test_an_old_engine_api_is_explained(old_engine: tuple[str, list[str]]) -> None:
    url, paths = old_engine
    with pytest.raises(BackendError) as caught:
        connect([Endpoint(url, "--host")])
    assert caught.value.kind is ProblemKind.API_TOO_OLD
    assert url in caught.value.message
    assert "1.41" in caught.value.hint
    assert paths == ["/version"]  # docker-py's version="auto" negotiation
    error = await problem_of(lab_app(url))
    assert error.kind is ProblemKind.API_TOO_OLD


def test_permission_errors_are_classified() -> None:
    endpoint = LOCAL_ENGINE_URL
    direct = classify(PermissionError(13, "Permission denied"), endpoint)
    assert direct.kind is ProblemKind.PERMISSION_DENIED
    assert endpoint in direct.message and "docker" in direct.hint
    # What docker-py raises when the socket refuses us during version negotiation.
    wrapped = docker.errors.DockerException(
        "Error while fetching server API version: "
        "('Connection aborted.', PermissionError(13, 'Permission denied'))"
    )
    assert classify(wrapped, endpoint).kind is ProblemKind.PERMISSION_DENIED
