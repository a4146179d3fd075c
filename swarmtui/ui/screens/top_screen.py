"""`t`: every running task of the swarm by CPU (or memory, `s`), with its recent history.

The screen asks the session's usage sampler for the whole swarm while it is on top (one
task list from the manager and one call per node every 2 s) and stops asking when it
closes or another screen covers it. Rows are updated by task id in place, never rebuilt;
the cursor stays on its task when the order changes. Below the table, the selected task's
CPU and memory over the last minutes (Textual's Sparkline).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.color import Color as RichColor
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.renderables.sparkline import Sparkline as SparklineRenderable
from textual.screen import Screen
from textual.widgets import DataTable, Label, Sparkline, Static

from swarmtui.core.usage import TaskUsage, UsageReport
from swarmtui.display.usage import (
    PENDING,
    TopEntry,
    bytes_text,
    cpu_text,
    memory_percent_text,
    memory_text,
    top_entries,
    top_sort_value,
)
from swarmtui.session.usage_report import UsageDemand, UsageSampled
from swarmtui.session.usage_sampler import INTERVAL
from swarmtui.ui.messages import UsageUpdated
from swarmtui.ui.screens.main_screen import on_screen
from swarmtui.ui.session_access import SessionUser
from swarmtui.ui.widgets.key_footer import KeyFooter

OWNER = "top"
SORTS = ("cpu", "memory")
SORT_LABELS = {"cpu": "CPU", "memory": "memory"}
# key, label, width (None: the task names take what is left)
COLUMNS = (
    ("name", "TASK", None),
    ("node", "NODE", 10),
    ("cpu", "CPU %", 6),
    ("memory", "MEM", 8),
    ("memory_percent", "MEM %", 5),
    ("history", "CPU HISTORY", 0),
)
NAME_WIDTHS = (16, 44)  # at least, at most
CELL_PADDING = 2
FRAME = 4  # the box's border and padding


def column_widths(screen_width: int) -> dict[str, int]:
    """The history gets 16 cells on a narrow screen, 24 from 110 columns on; the task
    names what is left, within NAME_WIDTHS."""
    history = 24 if screen_width >= 110 else 16
    fixed = {key: width or history for key, _, width in COLUMNS if width is not None}
    spare = screen_width - FRAME - CELL_PADDING * len(COLUMNS) - sum(fixed.values())
    return {"name": max(NAME_WIDTHS[0], min(NAME_WIDTHS[1], spare)), **fixed}


@dataclass(frozen=True)
class Figure:
    """A number in a cell: shown right-aligned, sorted by its value."""

    value: float
    text: str

    def __rich__(self) -> Text:
        return Text(self.text, justify="right")


@dataclass(frozen=True)
class History:
    """A task's recent CPU as Textual's sparkline renderable, coloured by the theme."""

    values: tuple[float, ...]
    width: int
    low: RichColor
    high: RichColor

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield SparklineRenderable(
            self.values, width=self.width, min_color=self.low, max_color=self.high
        )


class TopScreen(SessionUser, Screen[None]):
    BINDINGS = [
        Binding("s", "switch_sort", "CPU/MEM", id="top_sort"),
        Binding("escape", "app.pop_screen", "Back", id="top_back"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="top")
        self.sort = "cpu"
        self.report: UsageReport | None = None
        self._shown: dict[str, dict[str, object]] = {}  # task id -> column -> cell
        self._unsubscribe: Callable[[], None] | None = None
        self.widths = column_widths(0)
        self._entries: list[TopEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="top-box") as box:
            box.border_title = "Top"
            yield Static(Text(f"sampling every {INTERVAL:.0f} s…"), id="top-summary")
            table: DataTable[object] = DataTable(cursor_type="row", id="top-table")
            yield table
            with Vertical(id="top-detail"):
                yield Static(Text(""), id="top-selected")
                with Horizontal(classes="top-chart"):
                    yield Label("CPU", classes="top-chart-label")
                    yield Sparkline([], id="top-cpu")
                with Horizontal(classes="top-chart"):
                    yield Label("MEM", classes="top-chart-label")
                    yield Sparkline([], id="top-memory")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#top-table", DataTable)
        self.widths = column_widths(self.app.size.width)
        for key, label, _ in COLUMNS:
            table.add_column(label, key=key, width=self.widths[key])
        table.focus()
        usage = self.session.usage
        self._unsubscribe = usage.subscribe(self._sampled)
        if usage.last_report is not None and usage.last_report.listed:
            self.show_report(usage.last_report)
        self._want()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.session.usage.want(OWNER, None)

    def on_screen_suspend(self) -> None:
        self._want()

    def on_screen_resume(self) -> None:
        self._want()

    def _want(self) -> None:
        """The whole swarm while the view is on screen (under a modal too), else nothing."""
        shown = on_screen(self)
        self.session.usage.want(OWNER, UsageDemand(whole_swarm=True) if shown else None)

    def _sampled(self, change: UsageSampled) -> None:
        """From the sampler's thread."""
        self.post_message(UsageUpdated(change.report))

    @on(UsageUpdated)
    def _usage_updated(self, message: UsageUpdated) -> None:
        report = message.report
        if not self.is_mounted:
            return
        if report.listed:
            self.show_report(report)
        elif "" in report.problems:  # the manager did not list the tasks: rows kept, said why
            self._show_summary(self._entries, report)

    # Rows -------------------------------------------------------------------------------

    def show_report(self, report: UsageReport) -> None:
        self.report = report
        table: DataTable[object] = self.query_one("#top-table", DataTable)
        selected = self.selected_task_id
        entries = top_entries(report, self.session.model.snapshot)
        self._entries = entries
        with self.app.batch_update():
            for entry in entries:
                self._show_entry(table, entry)
            current = {e.task_id for e in entries}
            for gone in [key for key in self._shown if key not in current]:
                table.remove_row(gone)
                del self._shown[gone]
            self._sort(table, selected)
            self._show_summary(entries, report)
            self._show_selected()

    def _show_entry(self, table: DataTable[object], entry: TopEntry) -> None:
        cells = self._cells(entry)
        shown = self._shown.get(entry.task_id)
        if shown is None:
            table.add_row(*cells.values(), key=entry.task_id)
        else:
            for column, cell in cells.items():
                if shown.get(column) != cell:
                    table.update_cell(entry.task_id, column, cell)
        self._shown[entry.task_id] = cells

    def _cells(self, entry: TopEntry) -> dict[str, object]:
        figures = entry.figures
        cpu = top_sort_value(figures, "cpu")
        memory = top_sort_value(figures, "memory")
        return {
            "name": entry.name,
            "node": entry.node,
            "cpu": Figure(cpu, cpu_text(figures.cpu_percent) if figures else PENDING),
            "memory": Figure(memory, bytes_text(figures.memory_used) if figures else PENDING),
            "memory_percent": Figure(memory, memory_percent_text(figures) if figures else ""),
            "history": History(
                figures.cpu_history if figures else (), self.widths["history"], *self._colours()
            ),
        }

    def _colours(self) -> tuple[RichColor, RichColor]:
        theme = self.app.current_theme
        return (
            Color.parse(theme.success or "green").rich_color,
            Color.parse(theme.error or "red").rich_color,
        )

    def _sort(self, table: DataTable[object], selected: str | None) -> None:
        def biggest_first(cell: object) -> float:
            return cell.value if isinstance(cell, Figure) else -1.0

        table.sort(self.sort, key=biggest_first, reverse=True)
        if selected is not None and selected in self._shown:
            table.move_cursor(row=table.get_row_index(selected), animate=False)

    def _show_summary(self, entries: Sequence[TopEntry], report: UsageReport) -> None:
        nodes = len({e.node for e in entries})
        text = Text(
            f"{len(entries)} running tasks on {nodes} nodes, by {SORT_LABELS[self.sort]} "
            f"(s: by {SORT_LABELS[SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]]}), "
            f"sampled every {INTERVAL:.0f} s"
        )
        snapshot = self.session.model.snapshot
        for node_id, problem in sorted(report.problems.items()):
            node = snapshot.node(node_id) if snapshot is not None and node_id else None
            where = node.hostname if node is not None else (node_id[:12] or "the manager")
            text.append(f"\n{where}: no figures ({problem})", style="italic")
        self.query_one("#top-summary", Static).update(text)

    # Selection --------------------------------------------------------------------------

    @property
    def selected_task_id(self) -> str | None:
        table: DataTable[object] = self.query_one("#top-table", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        task_id = self.selected_task_id
        figures = self.report.task(task_id) if self.report and task_id else None
        shown = self._shown.get(task_id or "")
        label = self.query_one("#top-selected", Static)
        if shown is None or figures is None:
            label.update(Text(""))
            self._chart("#top-cpu", ())
            self._chart("#top-memory", ())
            return
        label.update(_selected_text(str(shown["name"]), str(shown["node"]), figures))
        self._chart("#top-cpu", figures.cpu_history)
        self._chart("#top-memory", tuple(float(m) for m in figures.memory_history))

    def _chart(self, selector: str, values: tuple[float, ...]) -> None:
        chart = self.query_one(selector, Sparkline)
        if tuple(chart.data or ()) != values:
            chart.data = list(values)

    def action_switch_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        if self.report is not None:
            self.show_report(self.report)


def _selected_text(name: str, node: str, figures: TaskUsage) -> Text:
    cpu = figures.cpu_history
    peak = f" (peak {max(cpu):.1f}%)" if cpu else ""
    seconds = int(len(figures.memory_history) * INTERVAL)
    return Text(
        f"{name} on {node}, last {seconds} s: CPU {cpu_text(figures.cpu_percent)}{peak}, "
        f"MEM {memory_text(figures.memory_used, figures.memory_limit)}"
    )
