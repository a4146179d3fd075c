"""Search in log lines: case-insensitive regex, or the literal text when it is no regex."""

from __future__ import annotations

from swarmtui.core.search_pattern import search_pattern


class LogSearch:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pattern = search_pattern(text)

    def matches(self, line: str) -> bool:
        return self.pattern.search(line) is not None

    def spans(self, line: str) -> list[tuple[int, int]]:
        """Where the matches are (non-empty ones), for highlighting."""
        return [m.span() for m in self.pattern.finditer(line) if m.end() > m.start()]
