"""Which footer keys are left out when they do not fit: `? Help` always stays in full."""

from __future__ import annotations

from swarmtui.ui.widgets.key_footer import key_width, keys_left_out

MAIN = [
    ("inspect", key_width("⏎", "Inspect")),
    ("scale", key_width("s", "Scale")),
    ("remove", key_width("x", "Remove")),
    ("create", key_width("c", "Create")),
    ("logs", key_width("L", "Logs")),
    ("filter", key_width("/", "Filter")),
    ("refresh", key_width("r", "Refresh")),
    ("quit", key_width("q", "Quit")),
    ("help", key_width("?", "Help")),
    ("command_palette", key_width("^p", "Commands")),
]


def names(keys: list[tuple[str, int]], left_out: frozenset[int]) -> list[str]:
    return [action for i, (action, _) in enumerate(keys) if i not in left_out]


def test_a_key_is_its_text_and_paddings() -> None:
    assert key_width("⏎", "Inspect") == len(" ⏎ Inspect ")
    assert key_width("esc", "Back") == len(" esc Back ")


def test_everything_shows_when_it_fits() -> None:
    assert keys_left_out(MAIN, 120) == frozenset()


def test_at_80_columns_the_spare_keys_go_first() -> None:
    shown = names(MAIN, keys_left_out(MAIN, 80))
    assert shown == ["inspect", "scale", "remove", "create", "logs", "filter", "quit", "help"]
    assert sum(width for action, width in MAIN if action in shown) - 1 <= 80


def test_then_the_screens_last_keys_go_and_help_stays() -> None:
    shown = names(MAIN, keys_left_out(MAIN, 40))
    assert shown == ["inspect", "scale", "remove", "help"]


def test_the_last_keys_right_padding_may_be_cut() -> None:
    keys = [("a", 10), ("help", 8)]
    assert keys_left_out(keys, 17) == frozenset()
    assert keys_left_out(keys, 16) == frozenset({0})


def test_a_footer_without_help_is_left_alone() -> None:
    keys = [("reveal", 50), ("close", 50)]
    assert keys_left_out(keys, 80) == frozenset()
