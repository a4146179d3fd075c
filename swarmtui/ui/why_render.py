"""Rich text of the why lines (swarmtui.diagnosis.why_text), styled by their role."""

from __future__ import annotations

from rich.text import Text

from swarmtui.diagnosis.why_text import LineRole, WhyLine

ROLE_STYLES: dict[LineRole, str] = {
    "headline": "bold",
    "cause": "bold",
    "section": "bold underline",
    "item": "",
    "aside": "dim",
    "blank": "",
}


def why_rich(lines: list[WhyLine]) -> Text:
    text = Text()
    for line, role in lines:
        text.append(line + "\n", style=ROLE_STYLES[role])
    return text
