"""The "why is this task not running?" text: the why view's body and the section the
inspect view of such a task starts with. Pure: an Explanation in, lines with their role
out (the UI styles the roles)."""

from __future__ import annotations

from typing import Literal

from swarmtui.diagnosis.explanation import Explanation

WHY_TITLE = "Why is this task not running?"
LineRole = Literal["headline", "cause", "section", "item", "aside", "blank"]
WhyLine = tuple[str, LineRole]


def why_lines(
    explanation: Explanation | None, not_known: tuple[str, ...] = (), state: str = ""
) -> list[WhyLine]:
    if explanation is None:
        return [(f"Nothing to explain: the task is {state or 'on its way'}.", "headline")]
    cause = f"Cause: {explanation.cause.value}"
    if explanation.also:
        cause += " (also: " + ", ".join(c.value for c in explanation.also) + ")"
    lines: list[WhyLine] = [(explanation.headline, "headline"), (cause, "cause")]
    lines += _section("Evidence", explanation.evidence, "item")
    lines += _section("What to try", explanation.try_next, "item")
    if not_known:
        lines += _section("Not looked at", not_known, "aside")
    return lines


def why_plain(lines: list[WhyLine]) -> str:
    return "\n".join(text for text, _ in lines)


def _section(title: str, items: tuple[str, ...], role: LineRole) -> list[WhyLine]:
    # an indented item continues the one above (the log lines under "Last log lines:")
    lines: list[WhyLine] = [("", "blank"), (title, "section")]
    for item in items:
        lines.append((f"    {item.strip()}" if item.startswith("  ") else f"  • {item}", role))
    return lines
