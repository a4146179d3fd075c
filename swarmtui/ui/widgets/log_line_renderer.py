"""One log line as a Strip: stream mark, timestamp, coloured task prefix, text, matches."""

from __future__ import annotations

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

    def render(self, line: LogLine) -> Strip:
        model = self.model
        mark_style = self.stderr_style if line.is_stderr else self.notice_style
        segments = [Segment(MARKS[line.stream], mark_style)]
        if model.timestamps:
            segments.append(Segment(format_timestamp(line.timestamp) + " ", self.timestamp_style))
        if model.prefix:
            label = line_prefix(line, model.labels)
            colour = self.palette[model.labels.colour(line.task_id) % len(self.palette)]
            style = colour if line.task_id else self.notice_style
            segments.append(Segment(label.ljust(model.label_width), style))
            segments.append(Segment(SEPARATOR, self.separator_style))
        if line.is_stderr:
            text_style = self.stderr_style
        elif line.is_notice:
            text_style = self.notice_style
        else:
            text_style = Style()
        segments.extend(self._text_segments(line.text, text_style))
        return Strip(segments)

    def _text_segments(self, text: str, style: Style) -> list[Segment]:
        search = self.model.search
        spans = search.spans(text) if search is not None else []
        if not spans:
            return [Segment(text, style)]
        segments = []
        position = 0
        match_style = style + self.match_style
        for start, end in spans:
            if start > position:
                segments.append(Segment(text[position:start], style))
            segments.append(Segment(text[start:end], match_style))
            position = end
        if position < len(text):
            segments.append(Segment(text[position:], style))
        return segments
