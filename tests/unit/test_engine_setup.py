"""Starting dockerd on a machine that left pid files behind (restored snapshot, crash)."""

from __future__ import annotations

import os
from pathlib import Path

from swarmtui.adapters.docker.engine_setup import clear_stale_pid_files


def test_a_pid_file_of_a_dead_process_is_removed(tmp_path: Path) -> None:
    stale = tmp_path / "docker.pid"
    stale.write_text("999999999")
    said: list[str] = []
    clear_stale_pid_files(said.append, {stale: "dockerd"})
    assert not stale.exists()
    assert "stale" in said[0]


def test_a_pid_file_of_another_program_is_removed(tmp_path: Path) -> None:
    reused = tmp_path / "docker.pid"
    reused.write_text(str(os.getpid()))  # a live pid, but python, not dockerd
    clear_stale_pid_files(lambda _: None, {reused: "dockerd"})
    assert not reused.exists()


def test_a_pid_file_of_the_running_program_is_kept(tmp_path: Path) -> None:
    live = tmp_path / "python.pid"
    live.write_text(str(os.getpid()))
    name = Path(f"/proc/{os.getpid()}/comm").read_text().strip()
    clear_stale_pid_files(lambda _: None, {live: name})
    assert live.exists()


def test_empty_and_missing_pid_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pid"
    empty.write_text("")
    clear_stale_pid_files(lambda _: None, {empty: "dockerd", tmp_path / "absent.pid": "dockerd"})
    assert not empty.exists()
