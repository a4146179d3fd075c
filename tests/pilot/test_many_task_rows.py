"""A tasks pane of tens of thousands of tasks makes their rows on a thread of its own when a
snapshot changes them (keys do not wait for it); a newer snapshot's rows win over an older
one's still being made."""

from __future__ import annotations

from dataclasses import replace

from helpers.demo_app import demo_app, wait_main
from helpers.pilot import wait_until

from swarmtui.core.models import ClusterSnapshot
from swarmtui.demo.cluster import DEMO_NOW
from swarmtui.ui.screens.main_screen import MainScreen
from swarmtui.ui.widgets.panes import ROWS_IN_BACKGROUND, TasksPane


def with_tasks(snapshot: ClusterSnapshot, count: int, message: str) -> ClusterSnapshot:
    """SNAPSHOT with COUNT copies of its first current task (new ids), erring MESSAGE."""
    model = next(t for t in snapshot.tasks if t.is_current)
    tasks = tuple(
        replace(model, id=f"many{i:06d}", slot=i + 1, error=message) for i in range(count)
    )
    return replace(snapshot, tasks=tasks)


def rows_say(pane: TasksPane, count: int, message: str) -> bool:
    rows = pane._table_rows
    return len(rows) == count and all(message in cells for _, cells in (rows[0], rows[-1]))


async def test_many_rows_are_made_off_the_ui_thread_and_the_newest_win() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_main(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.snapshot is not None
        app.session.close()  # only the snapshots made here from now on
        pane = screen.query_one(TasksPane)
        count = ROWS_IN_BACKGROUND + 1_000
        first = with_tasks(screen.snapshot, count, "first")
        screen.apply_snapshot(first, DEMO_NOW)
        assert not rows_say(pane, count, "first")  # not made on the UI thread meanwhile
        # named, not described by the repr of its arguments (a snapshot of 6,000 tasks)
        assert [w.description for w in app.workers if w.group == "task-rows"] == [
            "the tasks pane's rows"
        ]
        await wait_until(pilot, lambda: rows_say(pane, count, "first"), "the first rows")

        older = with_tasks(first, count, "older")
        newer = with_tasks(first, count - 1, "newer")
        screen.apply_snapshot(older, DEMO_NOW)
        screen.apply_snapshot(newer, DEMO_NOW)  # before the older one's rows are shown
        await wait_until(pilot, lambda: rows_say(pane, count - 1, "newer"), "the newer rows")
        await pilot.pause(0.3)
        assert rows_say(pane, count - 1, "newer")
        assert pane.snapshot is newer

        # rows made again on the UI thread (`r`, the history toggle) win over those still
        # being made for the snapshot before
        latest = with_tasks(first, count - 2, "latest")
        screen.apply_snapshot(older, DEMO_NOW)
        pane.show_snapshot(latest, DEMO_NOW)
        assert rows_say(pane, count - 2, "latest")
        await pilot.pause(1.0)
        assert rows_say(pane, count - 2, "latest")

        # snapshots bringing the same tasks while their rows are being made start no more
        # makers; the rows are shown with the latest of them
        again = with_tasks(first, count, "again")
        same = replace(again)  # another snapshot of the same tasks
        screen.apply_snapshot(again, DEMO_NOW)
        makers = pane._followed
        screen.apply_snapshot(same, DEMO_NOW)
        assert pane._followed == makers
        await wait_until(pilot, lambda: rows_say(pane, count, "again"), "the rows again")
        assert pane.snapshot is same
