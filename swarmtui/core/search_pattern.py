"""What a user types to filter or search: a case-insensitive regex, or plain text when it is
not a valid regex (so `a(b` finds "a(b" instead of failing)."""

from __future__ import annotations

import re


def search_pattern(text: str) -> re.Pattern[str]:
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error:
        return re.compile(re.escape(text), re.IGNORECASE)
