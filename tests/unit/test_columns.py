"""The rows of the three panes: the columns of `docker node ls`, `service ls`, `service ps`."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from helpers.models import demo_snapshot

from swarmtui.demo.cluster import DEMO_NOW
from swarmtui.display.columns import (
    NODE_COLUMNS,
    SERVICE_COLUMNS,
    TASK_COLUMNS,
    humanize_age,
    node_row,
    service_row,
    state_style,
    task_row,
)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 seconds ago"),
        (1, "1 second ago"),
        (59, "59 seconds ago"),
        (60, "1 minute ago"),
        (119, "1 minute ago"),
        (120, "2 minutes ago"),
        (3600, "1 hour ago"),
        (7300, "2 hours ago"),
        (86400, "1 day ago"),
        (3 * 86400 + 5, "3 days ago"),
        (-30, "0 seconds ago"),  # a clock a little ahead of ours
    ],
)
def test_humanize_age(seconds: int, text: str) -> None:
    assert humanize_age(DEMO_NOW - timedelta(seconds=seconds), DEMO_NOW) == text


def test_humanize_age_without_time() -> None:
    assert humanize_age(None, DEMO_NOW) == ""


def test_rows_match_their_columns() -> None:
    snapshot = demo_snapshot()
    assert all(len(node_row(n)) == len(NODE_COLUMNS) for n in snapshot.nodes)
    assert all(len(service_row(s)) == len(SERVICE_COLUMNS) for s in snapshot.services)
    assert all(len(task_row(t, snapshot, DEMO_NOW)) == len(TASK_COLUMNS) for t in snapshot.tasks)


def test_node_rows() -> None:
    nodes = demo_snapshot().nodes
    rows = [node_row(n) for n in nodes]
    assert rows[0] == (
        "m1n0de000000 *",
        "manager1",
        "Ready",
        "Active",
        "Leader",
        "20.10.24+dfsg1",
        "",
    )
    assert rows[1] == ("w1n0de000000", "worker1", "Ready", "Active", "", "20.10.24+dfsg1", "")
    assert node_row(nodes[1], "ssh worker1")[-1] == "ssh worker1"  # how a shell gets there


def test_service_rows() -> None:
    rows = {row[1]: row for row in (service_row(s) for s in demo_snapshot().services)}
    assert rows["helloworld"] == (
        "h3ll0w0rld00",
        "helloworld",
        "replicated",
        "2/2",
        "swarmtui-workload:1",
        "",
    )
    assert rows["web"][3:] == ("2/3", "swarmtui-workload:1", "*:8080->80/tcp")
    assert rows["monitor"][2:4] == ("global", "3/3")


def test_task_rows() -> None:
    snapshot = demo_snapshot()
    rows = [task_row(t, snapshot, DEMO_NOW) for t in snapshot.tasks]
    ids = [row[0] for row in rows]
    assert len(set(ids)) == len(ids) and all(len(i) == 12 for i in ids)
    first = next(row for row in rows if row[1] == "helloworld.1")
    assert first[1:] == (
        "helloworld.1",
        "swarmtui-workload:1",
        "manager1",
        "Running",
        "Running 29 minutes ago",
        "",
    )
    failed = next(row for row in rows if row[5].startswith("Failed"))
    assert failed[1:] == (
        "helloworld.2",
        "swarmtui-workload:1",
        "worker2",
        "Shutdown",
        "Failed 4 minutes ago",
        "task: non-zero exit (1)",
    )


def test_task_of_a_global_service_is_named_by_node() -> None:
    snapshot = demo_snapshot()
    task = replace(snapshot.tasks[0], slot=None)
    assert task_row(task, snapshot, DEMO_NOW)[1] == f"helloworld.{task.node_id}"


def test_task_of_unknown_service_and_node() -> None:
    snapshot = demo_snapshot()
    task = replace(snapshot.tasks[0], service_id="gone0000000000000", node_id="away00000000000000")
    row = task_row(task, snapshot, DEMO_NOW)
    assert row[1] == "gone00000000.1"
    assert row[3] == "away00000000"


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("Running 5 minutes ago", "success"),
        ("Ready", "success"),
        ("Leader", "success"),
        ("Failed 1 minute ago", "error"),
        ("Rejected 2 hours ago", "error"),
        ("Down", "error"),
        ("Unreachable", "error"),
        ("Drain", "warning"),
        ("Pending 3 seconds ago", "warning"),
        ("Shutdown", "secondary"),
        ("Reachable", None),
        ("", None),
    ],
)
def test_state_style(text: str, style: str | None) -> None:
    assert state_style(text) == style
