"""A big lab raises the kernel's neighbour table limits, never lowers them, and says what to
do when it may not write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmtui.adapters.docker.neighbour_table import entries_needed, make_room


def _table(tmp_path: Path, hard: int, soft: int) -> Path:
    (tmp_path / "gc_thresh3").write_text(f"{hard}\n")
    (tmp_path / "gc_thresh2").write_text(f"{soft}\n")
    return tmp_path


def test_fifty_nodes_need_more_than_the_default_hard_limit() -> None:
    assert entries_needed(50) > 1024 * 4
    assert entries_needed(3) <= 1024 * 2


def test_low_limits_are_raised_and_said(tmp_path: Path) -> None:
    said: list[str] = []
    table = _table(tmp_path, 1024, 512)
    make_room(50, said.append, table)
    assert int((table / "gc_thresh3").read_text()) == entries_needed(50)
    assert int((table / "gc_thresh2").read_text()) == entries_needed(50) // 2
    assert said == [
        f"kernel neighbour table raised for 50 nodes: gc_thresh3 1024 -> {entries_needed(50)}, "
        f"gc_thresh2 512 -> {entries_needed(50) // 2}"
    ]


def test_high_limits_are_left_alone(tmp_path: Path) -> None:
    said: list[str] = []
    table = _table(tmp_path, 100_000, 50_000)
    make_room(50, said.append, table)
    assert (table / "gc_thresh3").read_text() == "100000\n"
    assert said == []


def test_without_the_right_to_write_it_says_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    table = _table(tmp_path, 1024, 512)

    def refuse(self: Path, text: str) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_text", refuse)
    make_room(50, said.append, table)
    assert said and said[0].startswith("warning: 50 lab nodes may overflow")
    assert f"net.ipv4.neigh.default.gc_thresh3={entries_needed(50)}" in said[0]


def test_a_machine_without_the_table_is_left_alone(tmp_path: Path) -> None:
    said: list[str] = []
    make_room(50, said.append, tmp_path / "missing")
    assert said == []
