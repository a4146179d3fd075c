"""The usage cells, sort keys and top rows: numbers as the panes show and sort them."""

from __future__ import annotations

import pytest
from helpers.models import make_node, make_task

from swarmtui.core.usage import NodeUsage, TaskUsage, UsageReport
from swarmtui.display.columns import TASK_COLUMNS
from swarmtui.display.sorting import MISSING
from swarmtui.display.usage import (
    PENDING,
    TASK_USAGE_COLUMNS,
    UNAVAILABLE,
    bytes_text,
    node_usage_cells,
    task_usage_cells,
    task_usage_key,
    top_sort_value,
    with_cells,
    with_usage_columns,
)

TASK = make_task()
FIGURES = TaskUsage(TASK.id, TASK.node_id, 12.345, 25 * 2**20, 2**30)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0B"),
        (999, "999B"),
        (1000, "0.977KiB"),
        (25 * 2**20, "25MiB"),
        (int(1.94 * 2**30), "1.94GiB"),
    ],
)
def test_bytes_in_binary_units(size: int, text: str) -> None:
    assert bytes_text(size) == text


def test_a_running_task_with_figures() -> None:
    report = UsageReport(tasks={TASK.id: FIGURES})
    assert task_usage_cells(TASK, report) == ("12.3%", "25MiB / 1GiB")


def test_a_running_task_waiting_or_on_a_node_without_figures() -> None:
    assert task_usage_cells(TASK, None) == (PENDING, PENDING)
    report = UsageReport(problems={TASK.node_id: "host key not confirmed yet"})
    assert task_usage_cells(TASK, report) == (UNAVAILABLE, UNAVAILABLE)
    assert task_usage_cells(make_task(state="shutdown"), report) == ("", "")


def test_node_totals() -> None:
    node = make_node()
    totals = NodeUsage(node.id, 3, 150.0, 3 * 2**20, complete=True)
    report = UsageReport(nodes={node.id: totals})
    assert node_usage_cells(node, report) == ("3", "150.0%", "3MiB / 1GiB")
    waiting = UsageReport(nodes={node.id: NodeUsage(node.id, 3, 0.0, 2**20, complete=False)})
    assert node_usage_cells(node, waiting)[1] == PENDING


def test_usage_sorts_by_its_numbers_missing_last() -> None:
    low = TaskUsage("a", "n", 9.5, 10, 100)
    high = TaskUsage("b", "n", 10.2, 5, 100)
    assert task_usage_key(low, "cpu") < task_usage_key(high, "cpu")  # not "10.2" < "9.5"
    assert task_usage_key(high, "memory") < task_usage_key(low, "memory")
    assert task_usage_key(None, "cpu") == MISSING > task_usage_key(high, "cpu")
    assert top_sort_value(None, "cpu") < top_sort_value(low, "cpu")


def test_usage_columns_go_after_the_name() -> None:
    columns = with_usage_columns(TASK_COLUMNS, TASK_USAGE_COLUMNS, "name")
    assert [c.key for c in columns][:4] == ["id", "name", "cpu", "memory"]
    assert with_cells(("i", "n", "x"), ("c", "m"), 1) == ("i", "n", "c", "m", "x")
