"""Live logs of a service (all its tasks, merged), of one task, or of a stack (all its
services' tasks, merged: one stream per service): `L` in the panes."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from swarmtui.core.errors import BackendError
from swarmtui.logs.log_follower import LogFollower
from swarmtui.logs.log_format import format_lines
from swarmtui.logs.log_line import LogLine
from swarmtui.logs.log_parser import notice
from swarmtui.logs.log_target import LogSelection, LogTarget, single
from swarmtui.logs.log_window import WINDOWS, LogWindow, window_named
from swarmtui.logs.merged_batches import BatchMerger
from swarmtui.logs.task_labels import TaskLabels
from swarmtui.ui.gc_tuning import (
    collect_between_frames,
    collect_by_itself,
    collect_when_due,
    freeze_startup_objects,
)
from swarmtui.ui.key_gate import KeyGate
from swarmtui.ui.session_access import SessionUser
from swarmtui.ui.widgets.key_footer import KeyFooter
from swarmtui.ui.widgets.log_search_bar import LogSearchBar
from swarmtui.ui.widgets.log_view import LogView

PULL_INTERVAL = 0.05  # the UI takes the ready lines 20 times a second, in one batch
# A flood (more new lines than the view shows) is shown at most 10 times a second: nobody
# reads that fast, and each showing repaints the whole view. A trickle shows at once.
FLOOD_FRAME = 0.1
# Pulls left out in a row while keys are being handed on: a key never waits for a pull and
# the repaint it causes, and keys held down still let lines through.
MAX_PULLS_SKIPPED = 2


def _window_binding(key: str, window: LogWindow) -> Binding:
    return Binding(
        key, f"window('{window.key}')", window.label, show=False, id=f"logs_window_{window.key}"
    )


class LogScreen(SessionUser, Screen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="logs_close"),
        Binding("space", "toggle_pause", "Pause", id="logs_pause"),
        Binding("slash", "search", "Search", id="logs_search"),
        Binding("n", "find(True)", "Next", id="logs_next_match"),
        Binding("N", "find(False)", "Previous", show=False, id="logs_previous_match"),
        Binding("F", "toggle_filter", "Filter", id="logs_filter"),
        Binding("T", "narrow", "Narrow", id="logs_narrow"),
        Binding("t", "toggle_option('timestamps')", "Times", id="logs_timestamps"),
        Binding("w", "toggle_option('wrap')", "Wrap", id="logs_wrap"),
        Binding("p", "toggle_option('prefix')", "Prefix", id="logs_prefix"),
        Binding("s", "save", "Save", id="logs_save"),
        Binding("c", "copy", "Copy", id="logs_copy"),
        Binding("v", "select", "Select", show=False, id="logs_select"),
        *(_window_binding(str(index), window) for index, window in enumerate(WINDOWS)),
    ]

    def __init__(
        self,
        target: LogTarget | LogSelection,
        capacity: int,
        window: LogWindow = WINDOWS[0],
    ) -> None:
        super().__init__(classes="logs")
        self.selection = single(target) if isinstance(target, LogTarget) else target
        self.target = self.selection.targets[0]
        self.capacity = capacity
        self.window = window
        self.followers: list[LogFollower] = []
        self._merger = BatchMerger(len(self.selection.targets))
        self.state = "connecting"
        self._status = ""
        self._pulls_skipped = 0
        self._unshown: list[LogLine] = []  # pulled, waiting for the flood's next frame
        self._shown_at = 0.0

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def compose(self) -> ComposeResult:
        view = LogView(self.capacity, id="log-view")
        view.border_title = f"Logs: {self.selection.title}"
        yield view
        bar = LogSearchBar()
        bar.display = False
        yield bar
        yield Static("", id="log-status")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        freeze_startup_objects()
        collect_between_frames()
        self.view.focus()
        self._start()
        self.set_interval(PULL_INTERVAL, self._pull)

    # The stream --------------------------------------------------------------------------

    def _now_ns(self) -> int:
        return int(self.session.now().timestamp() * 1_000_000) * 1000

    def _start(self) -> None:
        try:
            backend = self.session.backend()
        except BackendError as exc:
            self.view.append([notice(exc.message, self._now_ns())])
            self.state = "not connected"
            self._show_status()
            return
        self._merger = BatchMerger(len(self.selection.targets))
        for target in self.selection.targets:
            follower = LogFollower(
                backend,
                target,
                self.window,
                capacity=self.capacity,
                wallclock_ns=self._now_ns,
                backend_source=lambda: self.session.backend(),
            )
            self.followers.append(follower)
            self.run_worker(
                follower.run,
                thread=True,
                group="logs",
                name=f"logs of {target.title}",
                exit_on_error=False,
            )
        self.state = self.followers[0].state if self.followers else "closed"

    @property
    def follower(self) -> LogFollower | None:
        """The first (for one service or task: the only) stream's follower."""
        return self.followers[0] if self.followers else None

    def stop(self) -> None:
        """Close the streams: their sockets or SSH channels now, their threads right after."""
        followers, self.followers = self.followers, []
        for follower in followers:
            follower.close()

    def on_unmount(self) -> None:
        self.stop()
        collect_by_itself()

    def _pull(self) -> None:
        if self._keys_waiting() and self._pulls_skipped < MAX_PULLS_SKIPPED:
            self._pulls_skipped += 1
            return
        self._pulls_skipped = 0
        followers = self.followers
        if followers:
            for follower in followers:
                follower.follow_backend()
            batch = self._merger.merge([follower.drain() for follower in followers])
            if batch.labels is not None:
                self.view.set_labels(batch.labels)
            self._show_lines(batch.lines)
            self.state = batch.state
        self._show_status()
        collect_when_due()  # here, between frames and keys: see gc_tuning

    def _keys_waiting(self) -> bool:
        gate = getattr(self.app, "key_gate", None)
        return isinstance(gate, KeyGate) and not gate.idle

    def _show_lines(self, lines: Sequence[LogLine]) -> None:
        """Hand LINES to the view; a flood waits for its next frame (FLOOD_FRAME)."""
        self._unshown.extend(lines)
        now = time.monotonic()
        flood = len(self._unshown) > self.view.size.height
        if self._unshown and (not flood or now - self._shown_at >= FLOOD_FRAME):
            self.view.append(self._unshown)
            self._unshown = []
            self._shown_at = now

    def _show_status(self) -> None:
        model = self.view.model
        state = f"paused, {len(model.pending)} new" if model.paused else self.state
        count = len(model.buffer)
        narrowed = model.filter_only or model.narrow
        shown = f"{len(model.shown)}/{count}" if narrowed else str(count)
        parts = [state, self.window.label, f"{shown} lines"]
        if model.search is not None:
            mode = "filter" if model.filter_only else "search"
            parts.append(f"{mode} /{model.search.text}")
        if model.narrow is not None:
            parts.append(f"only {model.narrow_label()}")
        if model.selection_start is not None:
            parts.append("selecting")
        toggles = (("t", model.timestamps), ("w", model.wrap), ("p", model.prefix))
        parts.append(" ".join(f"{key}:{'on' if on else 'off'}" for key, on in toggles))
        status = " · ".join(parts)
        if status != self._status:
            self._status = status
            # One row, as wide as the screen whatever it says: no layout needed.
            self.query_one("#log-status", Static).update(status, layout=False)

    # Actions -----------------------------------------------------------------------------

    def action_close(self) -> None:
        if self.view.model.selection_start is not None:
            self.view.toggle_selection()
            return
        self.stop()
        self.app.pop_screen()

    def action_toggle_pause(self) -> None:
        view = self.view
        if view.model.paused:
            view.resume()
        else:
            view.pause()
        self._show_status()

    def action_window(self, key: str) -> None:
        self.window = window_named(key)
        self.stop()
        self._unshown = []
        self.view.clear()
        self.view.resume()
        self._start()
        self._show_status()

    def action_toggle_option(self, option: str) -> None:
        view, model = self.view, self.view.model
        if option == "timestamps":
            view.set_options(timestamps=not model.timestamps)
        elif option == "prefix":
            view.set_options(prefix=not model.prefix)
        elif option == "wrap":
            view.set_options(wrap=not model.wrap)
        self._show_status()

    def action_search(self) -> None:
        bar = self.query_one(LogSearchBar)
        search = self.view.model.search
        bar.value = search.text if search else ""
        bar.display = True
        bar.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, LogSearchBar):
            self.view.set_search(event.value)
            self._show_status()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if isinstance(event.input, LogSearchBar):
            self._close_search()
            search = self.view.model.search
            if search is not None and not self.view.find(True):
                self.notify(f"No line matches /{search.text}", severity="warning")

    def on_log_search_bar_cancelled(self, event: LogSearchBar.Cancelled) -> None:
        self.view.set_search("")
        if self.view.model.filter_only:
            self.view.set_filter(False)
        self._close_search()

    def _close_search(self) -> None:
        self.query_one(LogSearchBar).display = False
        self.view.focus()
        self._show_status()

    def action_find(self, forward: bool) -> None:
        search = self.view.model.search
        if search is None:
            self.notify("Search first with /", severity="warning")
        elif not self.view.find(forward):
            self.notify(f"No line matches /{search.text}", severity="warning")
        self._show_status()

    def action_toggle_filter(self) -> None:
        if self.view.model.search is None:
            self.notify("Search first with /, then F shows only the matching lines.")
            return
        self.view.set_filter(not self.view.model.filter_only)
        self._show_status()

    def action_narrow(self) -> None:
        view, model = self.view, self.view.model
        choices = model.narrow_choices()
        if len(choices) <= 1:
            self.notify("No task lines yet to narrow to.")
            return
        index = choices.index(model.narrow) if model.narrow in choices else 0
        view.set_narrow(choices[(index + 1) % len(choices)])
        self.notify(f"Showing {model.narrow_label() or 'all tasks'}", timeout=2)
        self._show_status()

    def action_select(self) -> None:
        if self.view.toggle_selection():
            self.notify("Selecting: move with ↑/↓, c copies, esc cancels.", timeout=3)
        self._show_status()

    def action_copy(self) -> None:
        view, model = self.view, self.view.model
        lines = model.selected_lines()
        if not lines:
            self.notify("No line to copy.", severity="warning")
            return
        text = format_lines(lines, model.labels, timestamps=model.timestamps, prefix=model.prefix)
        self.app.copy_to_clipboard(text.rstrip("\n"))
        if model.selection_start is not None:
            view.toggle_selection()
        plural = "" if len(lines) == 1 else "s"
        self.notify(f"Copied {len(lines)} line{plural} to the clipboard (OSC 52)")
        self._show_status()

    def action_save(self) -> None:
        model = self.view.model
        stamp = self.session.now().strftime("%Y%m%d-%H%M%S")
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", self.selection.title).strip("-")
        path = Path.cwd() / f"swarmtui-logs-{name}-{stamp}.log"
        lines, labels = list(model.buffer), model.labels
        self.run_worker(
            lambda: self._save(path, lines, labels),
            thread=True,
            group="logs-save",
            exit_on_error=False,
        )

    def _save(self, path: Path, lines: list[LogLine], labels: TaskLabels) -> None:
        try:
            path.write_text(format_lines(lines, labels))
        except OSError as exc:
            self.app.call_from_thread(
                self.notify, f"Could not save the logs: {exc}", severity="error"
            )
            return
        self.app.call_from_thread(self.notify, f"Saved {len(lines)} lines to {path}", timeout=8)
