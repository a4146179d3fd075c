"""The entry point holds the collector from the first import; every command but the
console resumes it before it runs (the console after its first snapshot: test_startup_gc)."""

from __future__ import annotations

import gc
import sys

import pytest

from swarmtui.cli import start


@pytest.mark.parametrize("argv", [["completion", "bash"], ["__complete", "1", "swarmtui", "sta"]])
def test_commands_run_with_the_collector_resumed(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["swarmtui", *argv])
    try:
        assert start.main() == 0
        assert gc.isenabled()
    finally:
        gc.enable()
    assert capsys.readouterr().out
