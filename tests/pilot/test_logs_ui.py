"""Pilot tests of the log view on the demo cluster: keys, windows, save, copy, close.

The streams themselves are tested against the real swarm (test_logs_swarm.py); here the
deterministic demo lines let every key be checked exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.demo_app import demo_app, swarm_app_of, wait_main
from helpers.pilot import AppPilot, notifications, wait_screen, wait_until

from swarmtui.core.config import Config
from swarmtui.demo.cluster import DemoBackend
from swarmtui.logs.log_format import format_line
from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.screens.log_screen import LogScreen

HELLOWORLD_LINES = 90


async def open_service_logs(pilot: AppPilot, lines: int = HELLOWORLD_LINES) -> LogScreen:
    await wait_main(pilot)
    await pilot.press("2", "L")
    app = swarm_app_of(pilot)

    def ready() -> bool:
        screen = app.screen
        return isinstance(screen, LogScreen) and len(screen.view.model.buffer) == lines

    await wait_until(pilot, ready, f"{lines} log lines")
    screen = app.screen
    assert isinstance(screen, LogScreen)
    return screen


async def test_time_windows_reopen_the_stream() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_service_logs(pilot)
        first = screen.follower
        assert first is not None
        # Since 1m: only the two running tasks wrote in the last minute (30 lines each).
        await pilot.press("1")
        assert first.closed and screen.window.key == "1m"
        await wait_until(
            pilot, lambda: len(screen.view.model.buffer) == 60, "60 lines of the last 1m"
        )
        assert "since 1m" in screen._status
        await pilot.press("5")  # all: the failed task's older lines are back
        await wait_until(pilot, lambda: len(screen.view.model.buffer) == 90, "all lines")
        await pilot.press("0")
        await wait_until(pilot, lambda: "last 200 lines" in screen._status, "the tail window")


async def test_toggles_pause_and_resume() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_service_logs(pilot)
        view = screen.view
        assert (view.model.timestamps, view.model.wrap, view.model.prefix) == (False, False, True)
        await pilot.press("t", "w", "p")
        assert (view.model.timestamps, view.model.wrap, view.model.prefix) == (True, True, False)
        assert "t:on w:on p:off" in screen._status
        await pilot.press("space")
        assert view.model.paused and "paused" in screen._status
        view.append(list(view.model.buffer)[:3])  # lines arriving while paused wait
        assert len(view.model.buffer) == 90 and len(view.model.pending) == 3
        await pilot.press("space")
        assert not view.model.paused and len(view.model.buffer) == 93 and not view.model.pending
        assert view.scroll_y == view.max_scroll_y


async def test_the_scrollbar_thumb_shows_a_scroll_made_while_the_bar_was_hidden() -> None:
    """Keys in a burst can scroll the view while its bar is hidden (timestamps on, then a
    jump to a match): once shown, the thumb is where the view is, not where it was."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        view = (await open_service_logs(pilot)).view
        await pilot.press("space", "g")  # paused at the top
        view.show_vertical_scrollbar = False
        view.scroll_to(y=view.max_scroll_y, animate=False, immediate=True, force=True)
        assert view.scroll_y > 0 and view.vertical_scrollbar.position == 0
        view.show_vertical_scrollbar = True
        assert view.vertical_scrollbar.position == view.scroll_y


async def test_save_writes_the_buffer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_service_logs(pilot)
        await pilot.press("s")
        saved = tmp_path / "swarmtui-logs-service-helloworld-20260101-120000.log"
        await wait_until(pilot, saved.exists, "the saved file")
        await wait_until(
            pilot,
            lambda: any(str(saved) in m for m in notifications(app)),
            "the notification naming the file",
        )
        rows = saved.read_text().splitlines()
        assert len(rows) == HELLOWORLD_LINES
        labels = screen.view.model.labels
        assert rows == [format_line(line, labels) for line in screen.view.model.buffer]
        assert rows[-1].startswith("2026-01-01T12:00:00.000Z helloworld.1@manager1 !| ping:")


async def test_copy_a_line_and_a_selection() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_service_logs(pilot)
        lines = list(screen.view.model.buffer)
        await pilot.press("c")  # following: the newest line
        assert (
            app.clipboard == "helloworld.1@manager1 !| ping: recvfrom: timeout waiting for seq=29"
        )
        await pilot.press("p", "v", "up", "up", "c")
        assert app.clipboard == "\n".join(line.text for line in lines[-3:])
        assert screen.view.model.selection_start is None, "copying ends the selection"
        await pilot.press("v", "up", "escape")  # escape drops a selection, keeps the view
        assert app.screen is screen and screen.view.model.selection_start is None


async def test_narrow_cycles_tasks_then_nodes() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_service_logs(pilot)
        view = screen.view
        labels = []
        for _ in range(len(view.model.narrow_choices()) - 1):
            await pilot.press("T")
            labels.append(view.model.narrow_label())
            assert len(view.model.shown) == 30  # one task, or one node (each ran one task)
        assert labels == [
            "helloworld.1@manager1",
            "helloworld.2@worker1",
            "helloworld.2@worker2",
            "node manager1",
            "node worker1",
            "node worker2",
        ]
        await pilot.press("T")
        assert view.model.narrow is None and len(view.model.shown) == HELLOWORLD_LINES


async def test_escape_closes_the_view_and_its_stream() -> None:
    backend = DemoBackend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_service_logs(pilot)
        follower = screen.follower
        assert follower is not None and not follower.done
        await pilot.press("escape")
        assert app.screen is app.main_screen
        await wait_until(pilot, lambda: follower.done, "the follower to end")
        assert follower.closed and follower.drain().state == "closed"


async def test_task_logs_from_the_tasks_pane() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_main(pilot)
        await pilot.press("3", "L")  # the first task of helloworld: running, followed
        await wait_screen(pilot, LogScreen, "the log screen")
        screen = app.screen
        assert isinstance(screen, LogScreen)
        assert screen.target.kind == "task"
        await wait_until(pilot, lambda: len(screen.view.model.buffer) == 30, "the task's lines")
        assert {line.task_id for line in screen.view.model.buffer} == {screen.target.object_id}
        assert screen.state == "following"


async def test_buffer_size_comes_from_the_config() -> None:
    app = demo_app(config=Config(log_buffer_lines=50))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_main(pilot)
        await pilot.press("2", "L")
        await wait_screen(pilot, LogScreen, "the log screen")
        screen = app.screen
        assert isinstance(screen, LogScreen)
        await wait_until(pilot, lambda: screen.view.model.buffer.total == 90, "all lines read")
        assert len(screen.view.model.buffer) == 50 and screen.view.model.buffer.capacity == 50
        assert screen.view.model.buffer[49].text.endswith("seq=29")


async def test_help_lists_the_log_keys() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_service_logs(pilot)
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen, "the help screen")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        ids = {row[3] for row in help_screen.rows}
        expected = {
            "logs",
            "logs_close",
            "logs_pause",
            "logs_search",
            "logs_next_match",
            "logs_previous_match",
            "logs_filter",
            "logs_narrow",
            "logs_timestamps",
            "logs_wrap",
            "logs_prefix",
            "logs_save",
            "logs_copy",
            "logs_select",
            "logs_window_tail",
            "logs_window_1m",
            "logs_window_5m",
            "logs_window_15m",
            "logs_window_1h",
            "logs_window_all",
            "logs_cursor_up",
        }
        assert expected <= ids, expected - ids
