"""A list's body read block by block against the last one: an unchanged body is told from
its blocks (none held), a changed one decoded from its first differing block (the equal
blocks before it kept, or past KEPT the list asked again); DockerBackend over a loopback
HTTP server that plays a manager answering a list of tasks."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar

import pytest
from helpers.loopback_manager import backend_on

from swarmtui.adapters.docker import list_body
from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.list_body import against_last, block_digest, blocks_of
from swarmtui.core.mapping import task_from_json
from swarmtui.core.models import ScopeKind, TaskScope

BODY = bytes(range(256)) * 40  # 10,240 bytes


def digests(body: bytes, size: int) -> list[bytes]:
    return [block_digest(b) for b in blocks_of([body], size)]


def test_blocks_do_not_depend_on_how_the_network_cut_the_body() -> None:
    cuts = [BODY[:7], BODY[7:5000], BODY[5000:5001], BODY[5001:]]
    assert list(blocks_of(cuts, 1024)) == list(blocks_of([BODY], 1024))
    assert [len(b) for b in blocks_of([BODY[:2500]], 1024)] == [1024, 1024, 452]
    assert list(blocks_of([], 1024)) == []


def test_the_last_body_again_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(list_body, "BLOCK", 1024)
    last = digests(BODY, 1024)
    assert against_last(blocks_of([BODY], 1024), last) is None
    first = against_last(blocks_of([BODY], 1024), [])  # no last body: all of it
    assert first is not None and b"".join(first.blocks) == BODY and first.digests == last


@pytest.mark.parametrize("at", [0, 3000, 10_000])
def test_a_changed_body_is_whole_with_its_equal_blocks_kept(
    monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    monkeypatch.setattr(list_body, "BLOCK", 1024)
    changed = BODY[:at] + b"x" + BODY[at + 1 :]
    body = against_last(blocks_of([changed], 1024), digests(BODY, 1024))
    assert body is not None and body.whole
    assert b"".join(body.blocks) == changed
    assert body.digests == digests(changed, 1024)  # complete once read to the end


def test_equal_blocks_past_kept_are_let_go(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(list_body, "BLOCK", 1024)
    changed = BODY[:9000] + b"x" + BODY[9001:]
    body = against_last(blocks_of([changed], 1024), digests(BODY, 1024), kept=4096)
    assert body is not None and not body.whole
    shorter = against_last(blocks_of([BODY[:3000]], 1024), digests(BODY, 1024), kept=4096)
    assert shorter is not None and shorter.whole  # three blocks kept: a shorter body
    assert b"".join(shorter.blocks) == BODY[:3000]


# DockerBackend reading /tasks ----------------------------------------------------------


def task_json(number: int, state: str = "pending") -> dict[str, Any]:
    return {
        "ID": f"task{number:05d}",
        "Version": {"Index": 100 + number if state == "pending" else 1000 + number},
        "Labels": {},
        "Spec": {"ContainerSpec": {"Image": "nginx:1"}},
        "ServiceID": "svc",
        "Slot": number,
        "Status": {"Timestamp": "2026-12-02T09:00:00Z", "State": state, "PortStatus": {}},
        "DesiredState": "running",
    }


class TasksManager(BaseHTTPRequestHandler):
    """Answers /version, and /tasks with TASKS (counting the requests), chunked."""

    tasks: ClassVar[list[dict[str, Any]]] = []
    requests: ClassVar[int] = 0
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if "/tasks" in self.path:
            type(self).requests += 1
            body = json.dumps(type(self).tasks, separators=(",", ":")).encode()
        else:
            body = json.dumps({"ApiVersion": "1.41", "MinAPIVersion": "1.12"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        with contextlib.suppress(OSError):  # the client may stop reading
            for start in range(0, len(body), 3000):
                piece = body[start : start + 3000]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[DockerBackend]:
    monkeypatch.setattr(list_body, "KEPT", 8192)
    with backend_on(TasksManager) as made:
        yield made


SCOPE = TaskScope(ScopeKind.SERVICE, "svc", "svc")


def test_tasks_as_json_loads_maps_them_the_same_objects_while_unchanged(
    backend: DockerBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("swarmtui.adapters.docker.docker_backend.BLOCK", 4096)
    monkeypatch.setattr(list_body, "BLOCK", 4096)
    TasksManager.tasks = [task_json(n) for n in range(300)]  # about 60 KB
    TasksManager.requests = 0
    first = backend.tasks(SCOPE)
    assert first == [task_from_json(t) for t in TasksManager.tasks]
    assert [t.raw for t in first] == TasksManager.tasks
    again = backend.tasks(SCOPE)
    assert all(a is b for a, b in zip(first, again, strict=True))
    assert TasksManager.requests == 2

    TasksManager.tasks[1] = task_json(1, "running")  # in the first block: one request
    changed = backend.tasks(SCOPE)
    assert [t.state for t in changed[:3]] == ["pending", "running", "pending"]
    assert changed[0] is first[0] and changed[2] is first[2]
    assert TasksManager.requests == 3

    TasksManager.tasks[290] = task_json(290, "running")  # past KEPT: the list asked again
    late = backend.tasks(SCOPE)
    assert late == [task_from_json(t) for t in TasksManager.tasks]
    assert late[290].state == "running" and late[0] is first[0]
    assert TasksManager.requests == 5
    assert backend.tasks(SCOPE)[290] is late[290]  # and remembered as the last body
    assert TasksManager.requests == 6
