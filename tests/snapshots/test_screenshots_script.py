"""scripts/screenshots.py renders every README screenshot, deterministically."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "screenshots.py"
EXPECTED = {
    "main-120x40.svg": "helloworld",
    "main-80x24.svg": "helloworld",
    "inspect-service.svg": "Inspect&#160;service&#160;helloworld",
    "help.svg": "command_palette",
    "init-swarm.svg": "docker&#160;swarm&#160;init",
    "unreachable.svg": "Engine&#160;unreachable",
    "logs-service.svg": "Logs:&#160;service&#160;helloworld",
    "create-service.svg": "Create&#160;a&#160;service",
    "scale.svg": "helloworld=5",
    "rollout.svg": "Rollout&#160;of&#160;web",
    "machines.svg": "Machines",
    "machine-install-docker.svg": "Install&#160;Docker",
    "journal.svg": "Action&#160;journal",
}


def render(out: Path, *names: str) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), *names],
        cwd=out.parent,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_script_writes_every_screenshot_and_again_the_same(tmp_path: Path) -> None:
    """Every shot, each showing its screen; the same shot rendered again gives the same file,
    so committed screenshots only change with the UI. (One test: the script is the slowest
    thing in the fast tier, and the full run is reused as the first of the two renders.)"""
    out = tmp_path / "shots"
    render(out)
    assert {p.name for p in out.iterdir()} == set(EXPECTED)
    for name, text in EXPECTED.items():
        svg = (out / name).read_text()
        assert svg.lstrip().startswith("<svg"), name
        assert svg.rstrip().endswith("</svg>"), name
        assert text in svg, f"{name} does not show {text!r}"
    again = tmp_path / "again"
    render(again, "main-80x24")
    assert [p.name for p in again.iterdir()] == ["main-80x24.svg"]
    assert (again / "main-80x24.svg").read_text() == (out / "main-80x24.svg").read_text()
