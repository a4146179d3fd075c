"""Search in log lines: case-insensitive regex, or the literal text when it is no regex."""

from __future__ import annotations

import re


class LogSearch:
    def __init__(self, text: str) -> None:
        self.text = text
        try:
            self.pattern = re.compile(text, re.IGNORECASE)
        except re.error:
            self.pattern = re.compile(re.escape(text), re.IGNORECASE)

    def matches(self, line: str) -> bool:
        return self.pattern.search(line) is not None

    def spans(self, line: str) -> list[tuple[int, int]]:
        """Where the matches are (non-empty ones), for highlighting."""
        return [m.span() for m in self.pattern.finditer(line) if m.end() > m.start()]
