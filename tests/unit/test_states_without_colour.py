"""Every state reads without colour (NO_COLOR, TERM=linux): its cell carries a word, the colour
only adds to it. Two states never share a word, so greys alone still tell them apart."""

from __future__ import annotations

from helpers.models import demo_snapshot, make_node, make_task

from swarmtui.demo.cluster import DEMO_NOW
from swarmtui.display.columns import NODE_COLUMNS, TASK_COLUMNS, node_row, state_style, task_row
from swarmtui.ui.widgets.cluster_header import LIVE, data_age_text

CURRENT = [c.key for c in TASK_COLUMNS].index("current")
NODE_CELL = {c.key: i for i, c in enumerate(NODE_COLUMNS)}


def task_state_cell(state: str) -> str:
    return task_row(make_task(state=state), demo_snapshot(), DEMO_NOW)[CURRENT]


def node_cell(column: str, **changes: str) -> str:
    return node_row(make_node(**changes))[NODE_CELL[column]]


def test_task_states_are_words() -> None:
    cells = {state: task_state_cell(state) for state in ("running", "failed", "pending")}
    assert cells == {"running": "Running", "failed": "Failed", "pending": "Pending"}
    assert {state_style(cell) for cell in cells.values()} == {"success", "error", "warning"}


def test_node_states_are_words() -> None:
    down = node_cell("status", status="down")
    drain = node_cell("availability", availability="drain")
    leader = node_cell("manager", role="manager", manager_status="Leader")
    assert (down, drain, leader) == ("Down", "Drain", "Leader")
    assert (node_cell("status"), node_cell("availability")) == ("Ready", "Active")
    assert [state_style(c) for c in (down, drain, leader)] == ["error", "warning", "success"]


def test_stale_data_says_so() -> None:
    assert data_age_text(1.0, 2.0) == LIVE
    assert data_age_text(17.0, 2.0) == "stale 15s"
    assert data_age_text(600.0, 2.0) == "stale 10m"
    assert data_age_text(None, 2.0) == "no data"


def test_no_two_states_share_a_word() -> None:
    words = [
        task_state_cell("running"),
        task_state_cell("failed"),
        task_state_cell("pending"),
        node_cell("status", status="down"),
        node_cell("availability", availability="drain"),
        node_cell("manager", role="manager", manager_status="Leader"),
        data_age_text(17.0, 2.0).split()[0],
    ]
    assert len({word.lower() for word in words}) == len(words)
