"""Helpers for end-to-end Pilot tests of SwarmTuiApp against a real swarm.

Everything waits by polling with a deadline (`await pilot.pause(...)` in a loop), never by
long fixed sleeps.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import pytest
from rich.text import Text
from textual.app import App
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, OptionList, Select, Static

from helpers.waiting import Deadline
from swarmtui.adapters.docker.docker_backend import connect
from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.errors import BackendError
from swarmtui.ports import ClusterBackend
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.problem_screen import ProblemScreen
from swarmtui.ui.widgets.cluster_header import ClusterHeader
from swarmtui.ui.widgets.resource_table import ResourceTable

T = TypeVar("T")
S = TypeVar("S", bound=Screen[Any])
SIZE = (120, 40)
UI_TIMEOUT = 30.0
PANE_KEYS = {"nodes": "1", "services": "2", "tasks": "3"}

AppPilot = Pilot[None]


def swarm_app(
    url: str,
    *,
    read_only: bool = False,
    connector: Callable[[], ClusterBackend] | None = None,
    refresh_interval: float = 0.5,
) -> SwarmTuiApp:
    """The console connected to the manager at URL (or through CONNECTOR)."""

    def connect_url() -> ClusterBackend:
        return connect([Endpoint(url, "--host")])

    config = Config(refresh_interval=refresh_interval, read_only=read_only)
    return SwarmTuiApp(Session(connector or connect_url, config, endpoint_label=url))


Ready = Callable[[AppPilot], Awaitable[None]]


def idle_palette(app: App[Any]) -> CommandPalette | None:
    """The command palette on screen once its search has finished, else None."""
    palette = app.screen
    if not isinstance(palette, CommandPalette):
        return None
    # Private, but the only sign that the search has finished (no busy indicator).
    if palette._show_busy or palette._busy_timer is not None:
        return None
    return palette


async def first_snapshot(pilot: AppPilot) -> None:
    app = pilot.app
    assert isinstance(app, SwarmTuiApp)
    await wait_until(pilot, lambda: app.main_screen.snapshot is not None, "the first snapshot")


@asynccontextmanager
async def running(
    app: SwarmTuiApp, *, ready: Ready | None = first_snapshot, size: tuple[int, int] = SIZE
) -> AsyncIterator[AppPilot]:
    """Run APP headless; wait until READY returns (the first snapshot by default, nothing
    with None); stop its sync threads afterwards."""
    async with app.run_test(size=size) as pilot:
        try:
            if ready is not None:
                await ready(pilot)
            yield pilot
        finally:
            await app.action_quit()


async def wait_until(
    pilot: AppPilot,
    probe: Callable[[], T | None],
    what: str,
    timeout: float = UI_TIMEOUT,
    step: float = 0.1,
) -> T:
    """Call PROBE until it returns something truthy, letting the app run in between.

    The pauses start short (most waits on the demo end within a few frames) and grow to STEP,
    so a long wait on a real engine does not probe it too often."""
    deadline = Deadline(timeout, what)
    pause = min(0.01, step)
    while not (result := probe()):
        deadline.check()
        await pilot.pause(pause)
        pause = min(pause * 2, step)
    return result


def screen_of(app: App[Any], kind: type[S]) -> S:
    """The active screen, which must be a KIND."""
    screen = app.screen
    assert isinstance(screen, kind), f"expected a {kind.__name__}, got {screen!r}"
    return screen


async def wait_screen(pilot: AppPilot, kind: type[S], what: str = "") -> S:
    """Wait until the active screen is a mounted KIND; return it."""
    app = pilot.app

    def mounted() -> S | None:
        screen = app.screen
        return screen if isinstance(screen, kind) and screen.is_mounted else None

    return await wait_until(pilot, mounted, what or kind.__name__)


def pane(app: SwarmTuiApp, name: str) -> ResourceTable:
    return app.main_screen.pane(name)


async def type_text(pilot: AppPilot, text: str) -> None:
    """Replace the focused Input's value by TEXT, key by key."""
    await pilot.press("home", "ctrl+k", *text)


async def select_row(
    pilot: AppPilot, app: SwarmTuiApp, pane_name: str, object_id: str, text: str
) -> None:
    """Focus a pane and filter it down to the row whose cell is exactly TEXT (keys only)."""
    assert app.screen is app.main_screen, f"another screen is open: {app.screen!r}"
    pattern = f"^{re.escape(text)}$"
    await pilot.press(PANE_KEYS[pane_name], "slash", "home", "ctrl+k", *pattern, "enter")
    table = pane(app, pane_name)
    await wait_until(
        pilot, lambda: table.selected_key == object_id, f"{text} selected in {pane_name}"
    )
    assert table.has_focus


async def put_cursor_on(pilot: AppPilot, table: ResourceTable, key: str) -> None:
    """Move the cursor with g and j, as a user would, until KEY is selected."""
    await pilot.press("g")
    for _ in range(table.row_count):
        if table.selected_key == key:
            return
        await pilot.press("j")
    assert table.selected_key == key, f"row {key} not reachable with j"


def plain(content: object) -> str:
    """The plain text of what a widget or a table cell holds (a rich Text or a string)."""
    return content.plain if isinstance(content, Text) else str(content)


def text_of(widget: Static) -> str:
    """The plain text a Static shows."""
    return plain(widget.content)


def header_text(app: SwarmTuiApp) -> str:
    """The plain text of the cluster header of the main screen."""
    return plain(app.main_screen.query_one(ClusterHeader).content)


def static_text(app: App[Any], selector: str) -> str:
    """The plain text of a Static of the active screen."""
    return text_of(app.screen.query_one(selector, Static))


def fill(screen: Screen[Any], **values: str) -> None:
    """Set the form fields #field-NAME of SCREEN (Inputs and Selects) to VALUES, in order."""
    for name, value in values.items():
        widget = screen.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input), name
            widget.value = value


async def wait_problem_screen(pilot: AppPilot) -> ProblemScreen:
    """Wait for the problem screen to be painted (its advice shown); return it."""

    def shown() -> ProblemScreen | None:
        screen = pilot.app.screen
        if isinstance(screen, ProblemScreen) and screen.is_mounted:
            return screen if screen.query("#problem-next") else None
        return None

    return await wait_until(pilot, shown, "a problem screen")


async def problem_of(app: SwarmTuiApp) -> BackendError:
    """Run APP until it shows its problem screen; the error that screen explains."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_problem_screen(pilot)
        assert text_of(screen.query_one("#problem-message", Static)) == screen.error.message
        assert str(screen.query_one("#problem-box").border_title) == screen.error.kind.value
        return screen.error


NOTICES = "_test_notifications"


def record_notifications(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every message an app notifies (tests/conftest.py does this for every test).

    Textual drops a toast from the app once it expires (5 s by default); on a loaded machine
    the check can come later than that, and a toast that was shown would not be found."""
    original = App.notify

    def notify(self: App[Any], message: str, **options: Any) -> None:
        self.__dict__.setdefault(NOTICES, []).append(message)
        original(self, message, **options)

    monkeypatch.setattr(App, "notify", notify)


def notifications(app: App[Any]) -> list[str]:
    """Every message APP has notified so far, in order, expired toasts included."""
    return list(app.__dict__.get(NOTICES, []))


async def wait_modal_closed(pilot: AppPilot, app: SwarmTuiApp, timeout: float = UI_TIMEOUT) -> None:
    def closed() -> bool:
        return app.screen is app.main_screen

    def describe() -> str:
        try:
            return static_text(app, "#modal-error")
        except Exception:
            return ""

    try:
        await wait_until(pilot, closed, "the modal to close", timeout)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; modal says: {describe()!r}") from None


async def wait_modal_error(pilot: AppPilot, app: SwarmTuiApp, what: str = "") -> str:
    """Wait for a non-empty, finished error message in the open modal."""

    def error() -> str | None:
        text = static_text(app, "#modal-error")
        return text if text and text != "working…" and what in text else None

    return await wait_until(pilot, error, f"an error containing {what!r} in the modal")


async def press_confirm(pilot: AppPilot, app: SwarmTuiApp) -> None:
    """In a ConfirmModal (Cancel focused first), move the focus to the confirm button, press it."""
    assert app.focused is not None and app.focused.id == "cancel"
    for _ in range(4):
        await pilot.press("tab")
        if app.focused is not None and app.focused.id == "confirm":
            break
    assert app.focused is not None and app.focused.id == "confirm"
    await pilot.press("enter")


async def choose_option(pilot: AppPilot, app: SwarmTuiApp, option_id: str) -> None:
    """In the node menu, move the highlight to OPTION_ID with the arrow keys and press enter."""
    menu = app.screen.query_one("#node-choices", OptionList)
    ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
    assert option_id in ids, f"{option_id} not offered: {ids}"
    await pilot.press("home", *(["down"] * ids.index(option_id)))
    assert menu.highlighted == ids.index(option_id)
    await pilot.press("enter")
