"""A change to one service redoes that service's row only, whatever the number of services.

The demo console is grown to a few hundred services; its own sync is stopped so that only
the snapshots made here reach the screen. Each one is made the way the session makes it
(the services that changed named, the others the same objects).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from helpers.demo_app import running_demo, wait_main
from helpers.pilot import AppPilot

from swarmtui.core.models import ClusterSnapshot, Service, ServiceChanges, Task
from swarmtui.demo.cluster import DEMO_NOW
from swarmtui.display import columns
from swarmtui.display.sorting import SortOrder
from swarmtui.session.patching import patch_services
from swarmtui.ui.screens.main_screen import MainScreen
from swarmtui.ui.widgets import panes
from swarmtui.ui.widgets.panes import ServicesPane, TasksPane

COUNT = 300


def grown(snapshot: ClusterSnapshot) -> ClusterSnapshot:
    models = [s for s in snapshot.services if s.replicas_desired is not None]
    services = tuple(
        replace(
            models[0],
            id=f"svc{i:05d}",
            name=f"bench-{i:04d}",
            replicas_desired=2,
            replicas_running=2,
            update_state="",
            raw={},
        )
        for i in range(COUNT)
    )
    return replace(snapshot, services=services)


def changed(
    snapshot: ClusterSnapshot, service_id: str, tell: bool = True, **fields: Any
) -> ClusterSnapshot:
    """SNAPSHOT with one service's FIELDS changed (TELL: the snapshot names it)."""
    before = snapshot.service(service_id)
    assert before is not None
    services = patch_services(snapshot.services, service_id, replace(before, **fields))
    made = replace(snapshot, services=services)
    if tell:
        changes = ServiceChanges(snapshot.services, services, frozenset({service_id}))
        made = replace(made, service_changes=changes)
    return made


def counting_rows(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    real: Callable[[Service], tuple[str, ...]] = columns.service_row

    def service_row(service: Service) -> tuple[str, ...]:
        made.append(service.id)
        return real(service)

    monkeypatch.setattr(panes, "service_row", service_row)
    return made


async def grown_console(pilot: AppPilot) -> tuple[MainScreen, ServicesPane, ClusterSnapshot]:
    await wait_main(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen) and screen.snapshot is not None
    screen.session.close()  # from now on only the snapshots made here
    snapshot = grown(screen.snapshot)
    screen.apply_snapshot(snapshot, DEMO_NOW)
    await pilot.pause()
    return screen, screen.query_one(ServicesPane), snapshot


def replicas_of(pane: ServicesPane, key: str) -> str:
    return pane.get_cell(key, "replicas").plain


def rebuilt(pane: ServicesPane, snapshot: ClusterSnapshot) -> list[tuple[str, tuple[str, ...]]]:
    """The rows a whole rebuild shows for SNAPSHOT (what the pane shows must equal them)."""
    return pane._visible(pane._sorted(pane.rows_from(snapshot, DEMO_NOW)))


async def test_one_change_redoes_one_row(monkeypatch: pytest.MonkeyPatch) -> None:
    async with running_demo() as (_, pilot):
        screen, pane, snapshot = await grown_console(pilot)
        before = list(pane._table_rows)
        made = counting_rows(monkeypatch)
        target = snapshot.services[150].id
        snapshot = changed(snapshot, target, replicas_running=1)
        screen.apply_snapshot(snapshot, DEMO_NOW)
        await pilot.pause()
        assert made == [target]  # the other rows' cells were not made again
        assert replicas_of(pane, target).startswith("1/2")
        after = pane._table_rows
        others = [i for i, (key, _) in enumerate(after) if key != target]
        assert len(others) == COUNT - 1
        assert all(after[i] is before[i] for i in others)  # the very same row objects
        assert pane.snapshot is snapshot
        assert after == rebuilt(pane, snapshot)


async def test_untold_change_is_found_by_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot that does not name its changes (another thread's, or one dropped in
    between): the services are told apart by identity, still one row made."""
    async with running_demo() as (_, pilot):
        screen, pane, snapshot = await grown_console(pilot)
        made = counting_rows(monkeypatch)
        target = snapshot.services[7].id
        snapshot = changed(snapshot, target, tell=False, replicas_desired=5)
        screen.apply_snapshot(snapshot, DEMO_NOW)
        await pilot.pause()
        assert made == [target]
        assert replicas_of(pane, target).startswith("2/5")
        assert pane._table_rows == rebuilt(pane, snapshot)


async def test_sorted_row_that_moves_is_placed_again() -> None:
    async with running_demo() as (_, pilot):
        screen, pane, snapshot = await grown_console(pilot)
        pane.set_sort(SortOrder("replicas", descending=False))
        target = snapshot.services[200].id
        snapshot = changed(snapshot, target, replicas_running=0)
        screen.apply_snapshot(snapshot, DEMO_NOW)
        await pilot.pause()
        assert pane._table_rows[0][0] == target  # 0/2 sorts first now
        assert pane._table_rows == rebuilt(pane, snapshot)


async def test_filtered_rows_follow_changes() -> None:
    async with running_demo() as (_, pilot):
        screen, pane, snapshot = await grown_console(pilot)
        pane.set_filter("1/2")
        assert pane.row_count == 0
        first, second = snapshot.services[3].id, snapshot.services[4].id
        snapshot = changed(snapshot, first, replicas_running=1)  # now matches: it comes
        screen.apply_snapshot(snapshot, DEMO_NOW)
        assert [key for key, _ in pane._table_rows] == [first]
        snapshot = changed(snapshot, second, image="other:1")  # changed, not matching
        screen.apply_snapshot(snapshot, DEMO_NOW)
        assert [key for key, _ in pane._table_rows] == [first]
        assert pane._all_rows == pane.rows_from(snapshot, DEMO_NOW)


async def test_stall_mark_comes_without_a_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """A service short of replicas is marked once it stalled: the snapshot that comes after
    that time marks it, though the service itself did not change."""
    async with running_demo() as (_, pilot):
        screen, pane, snapshot = await grown_console(pilot)
        stalled, other = snapshot.services[10].id, snapshot.services[11].id
        snapshot = changed(snapshot, stalled, replicas_running=1, updated_at=DEMO_NOW)
        screen.apply_snapshot(snapshot, DEMO_NOW)
        assert not replicas_of(pane, stalled).endswith("!")
        made = counting_rows(monkeypatch)
        snapshot = changed(snapshot, other, image="other:1")
        screen.apply_snapshot(snapshot, DEMO_NOW + timedelta(hours=1))
        await pilot.pause()
        assert replicas_of(pane, stalled).endswith("!")
        assert made == [other]  # the stalled one's cells kept, only its mark added


def counting_task_rows(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    real = columns.task_row

    def task_row(task: Task, snapshot: ClusterSnapshot, now: datetime) -> tuple[str, ...]:
        made.append(task.id)
        return real(task, snapshot, now)

    monkeypatch.setattr(panes, "task_row", task_row)
    return made


def with_many_tasks(snapshot: ClusterSnapshot) -> ClusterSnapshot:
    """SNAPSHOT whose tasks pane shows COUNT tasks of its scoped service."""
    model = next(t for t in snapshot.tasks if t.is_current)
    tasks = tuple(replace(model, id=f"task{i:05d}", slot=i + 1) for i in range(COUNT))
    return replace(snapshot, tasks=tasks)


async def test_one_task_changed_redoes_its_row_only(monkeypatch: pytest.MonkeyPatch) -> None:
    async with running_demo() as (_, pilot):
        screen, _, snapshot = await grown_console(pilot)
        tasks_pane = screen.query_one(TasksPane)
        snapshot = with_many_tasks(snapshot)
        screen.apply_snapshot(snapshot, DEMO_NOW)
        await pilot.pause()
        assert tasks_pane.row_count == COUNT
        before = list(tasks_pane._table_rows)
        made = counting_task_rows(monkeypatch)
        target = snapshot.tasks[100]
        failed = replace(target, state="failed", error="boom")
        tasks = (*snapshot.tasks[:100], failed, *snapshot.tasks[101:])
        snapshot = replace(snapshot, tasks=tasks)
        screen.apply_snapshot(snapshot, DEMO_NOW)
        await pilot.pause()
        assert made == [target.id]
        assert tasks_pane.get_cell(target.id, "current").plain.startswith("Failed")
        after = tasks_pane._table_rows
        assert all(after[i] is before[i] for i in range(COUNT) if i != 100)
        # a task that stops being current leaves the pane: all rows again, none missed
        stopped = replace(snapshot.tasks[5], desired_state="shutdown")
        snapshot = replace(snapshot, tasks=(*snapshot.tasks[:5], stopped, *snapshot.tasks[6:]))
        screen.apply_snapshot(snapshot, DEMO_NOW)
        assert tasks_pane.row_count == COUNT - 1
        assert tasks_pane._table_rows == tasks_pane.rows_from(snapshot, DEMO_NOW)


def with_node(snapshot: ClusterSnapshot, node_id: str, **fields: Any) -> ClusterSnapshot:
    nodes = tuple(replace(n, **fields) if n.id == node_id else n for n in snapshot.nodes)
    return replace(snapshot, nodes=nodes)


async def test_a_node_change_redoes_the_rows_of_its_tasks_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ten nodes of fifty going down must not make tens of thousands of task rows again:
    a node no shown task is on changes nothing; one that tasks are on redoes theirs."""
    async with running_demo() as (_, pilot):
        screen, _, snapshot = await grown_console(pilot)
        tasks_pane = screen.query_one(TasksPane)
        snapshot = with_many_tasks(snapshot)
        first, other = snapshot.nodes[0], snapshot.nodes[1]
        on_other = {3, 4}  # two tasks run on the other node, the rest on the first
        tasks = tuple(
            replace(t, node_id=other.id if i in on_other else first.id, state="running")
            for i, t in enumerate(snapshot.tasks)
        )
        snapshot = replace(snapshot, tasks=tasks)
        screen.apply_snapshot(snapshot, DEMO_NOW)
        await pilot.pause()
        made = counting_task_rows(monkeypatch)
        unused = next(n for n in snapshot.nodes if n.id not in (first.id, other.id))
        snapshot = with_node(snapshot, unused.id, status="down", hostname="renamed")
        screen.apply_snapshot(snapshot, DEMO_NOW)
        await pilot.pause()
        assert made == []  # no shown task is on it
        assert tasks_pane.snapshot is snapshot
        before = list(tasks_pane._table_rows)
        snapshot = with_node(snapshot, other.id, status="down", hostname="gone-node")
        screen.apply_snapshot(snapshot, DEMO_NOW)
        await pilot.pause()
        assert sorted(made) == sorted(tasks[i].id for i in on_other)
        for i in on_other:
            assert tasks_pane.get_cell(tasks[i].id, "node").plain == "gone-node"
            assert tasks_pane.get_cell(tasks[i].id, "current").plain.endswith("!")
        after = tasks_pane._table_rows
        assert all(after[i] is before[i] for i in range(COUNT) if i not in on_other)
        assert after == tasks_pane._visible(
            tasks_pane._sorted(tasks_pane.rows_from(snapshot, DEMO_NOW))
        )
