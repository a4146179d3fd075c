"""One log line as a Strip: stream mark, timestamp, coloured task prefix, text, matches."""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from swarmtui.logs.log_format import line_prefix
from swarmtui.logs.log_line import LogLine
from swarmtui.logs.log_parser import format_timestamp
from swarmtui.logs.log_view_model import SEPARATOR, LogViewModel

MARKS = {"stdout": "  ", "stderr": "▌ ", "engine": "» ", "notice": "» "}
# Task colours: theme variables, so every theme keeps them readable.
PALETTE_VARIABLES = (
    "text-primary",
    "text-success",
    "text-warning",
    "text-secondary",
    "text-accent",
    "primary-lighten-2",
    "success-lighten-2",
    "warning-lighten-2",
    "secondary-lighten-2",
    "accent-lighten-2",
)


def text_width(text: str) -> int:
    """Terminal cells TEXT takes (fast for ASCII, the usual case)."""
    return len(text) if text.isascii() else cell_len(text)


def _same(style: Style) -> Style:
    return style


class LogLineRenderer:
    """Builds uncropped strips as the model's options say; the view crops or folds them."""

    def __init__(self, model: LogViewModel) -> None:
        self.model = model
        self.timestamp_style = Style()
        self.separator_style = Style()
        self.stderr_style = Style()
        self.notice_style = Style()
        self.match_style = Style(reverse=True)
        self.palette: tuple[Style, ...] = (Style(),)
        self._base = Style()
        self._combined: dict[Style, Style] = {}

    def render(self, line: LogLine) -> Strip:
        """The whole line, its styles without the view's background (the view adds it)."""
        return Strip(self._segments(line, Style()))

    def row(self, line: LogLine, start: int, width: int, base: Style) -> Strip:
        """Cells START to START + WIDTH of LINE on BASE (the view's style), padded: one strip
        instead of a strip per step (crop, style, pad), each a dozen objects."""
        segments = self._segments(line, base)
        if start:
            segments = list(Segment.divide(segments, [start, start + width]))[1]
        return Strip(Segment.adjust_line_length(segments, width, base), width)

    def _segments(self, line: LogLine, base: Style) -> list[Segment]:
        on = self._on_base(base)
        model = self.model
        mark_style = self.stderr_style if line.is_stderr else self.notice_style
        segments = [Segment(MARKS[line.stream], on(mark_style))]
        if model.timestamps:
            stamp = format_timestamp(line.timestamp) + " "
            segments.append(Segment(stamp, on(self.timestamp_style)))
        if model.prefix:
            label = line_prefix(line, model.labels)
            colour = self.palette[model.labels.colour(line.task_id) % len(self.palette)]
            style = colour if line.task_id else self.notice_style
            segments.append(Segment(label.ljust(model.label_width), on(style)))
            segments.append(Segment(SEPARATOR, on(self.separator_style)))
        if line.is_stderr:
            text_style = self.stderr_style
        elif line.is_notice:
            text_style = self.notice_style
        else:
            text_style = Style()
        segments.extend(self._text_segments(line.text, text_style, on))
        return segments

    def _on_base(self, base: Style) -> Callable[[Style], Style]:
        """BASE + style, each combination worked out once (styles change with the theme)."""
        if not base:
            return _same
        if base is not self._base:
            self._base, self._combined = base, {}
        combined = self._combined

        def on(style: Style) -> Style:
            found = combined.get(style)
            if found is None:
                found = combined[style] = base + style
            return found

        return on

    def _text_segments(
        self, text: str, plain: Style, on: Callable[[Style], Style]
    ) -> list[Segment]:
        search = self.model.search
        spans = search.spans(text) if search is not None else []
        style = on(plain)
        if not spans:
            return [Segment(text, style)]
        segments = []
        position = 0
        match_style = on(plain + self.match_style)
        for start, end in spans:
            if start > position:
                segments.append(Segment(text[position:start], style))
            segments.append(Segment(text[start:end], match_style))
            position = end
        if position < len(text):
            segments.append(Segment(text[position:], style))
        return segments
