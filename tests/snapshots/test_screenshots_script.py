"""scripts/screenshots.py renders every README screenshot, deterministically."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

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
    "edit-service.svg": "--env-add&#160;MODE=fast",
    "scale.svg": "helloworld=5",
    "rollout.svg": "Rollout&#160;of&#160;web",
    "machines.svg": "Machines",
    "machine-install-docker.svg": "Install&#160;Docker",
    "journal.svg": "Action&#160;journal",
    "stacks.svg": "[4]&#160;Stacks",
    "stack-deploy.svg": "created&#160;service&#160;blog_wordpress",
    "stack-remove.svg": "docker&#160;stack&#160;rm&#160;shop",
    "usage.svg": "CPU&#160;%",
    "top.svg": "10&#160;running&#160;tasks&#160;on&#160;3&#160;nodes",
    "events.svg": "replicas&#160;2→3",
    "why-task.svg": "exited&#160;with&#160;code&#160;1",
    "secrets.svg": "[5]&#160;Secrets",
    "networks.svg": "[7]&#160;Networks",
    "configs.svg": "[6]&#160;Configs",
    "contexts.svg": "ssh://ops@10.0.0.8",
    "secret-rotate.svg": "shop_db_password.v2",
}


def render(out: Path, *names: str) -> None:
    """The script run as a command."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), *names],
        cwd=out.parent,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def render_here(out: Path, monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """The script's main in this process: a Python start with its imports costs about as
    much as rendering a shot. The directory is the command's, and is given back afterwards
    (the stack-deploy shot changes it)."""
    monkeypatch.chdir(out.parent)
    assert load_script().main(["--out", str(out), *names]) == 0


# The shots in five runs of the script's main, so that parallel workers share the work; the
# first also runs the script as a command, rendering main-80x24 a second time to show the
# output is deterministic.
GROUPS = [
    pytest.param(("main-80x24", "main-120x40", "inspect-service", "help", "init-swarm"), id="a"),
    pytest.param(("unreachable", "logs-service", "create-service", "scale"), id="b"),
    pytest.param(("rollout", "machines", "machine-install-docker", "journal"), id="c"),
    pytest.param(("stacks", "stack-deploy", "stack-remove"), id="d"),
    pytest.param(("usage", "top", "edit-service"), id="e"),
    pytest.param(("events",), id="f"),
    pytest.param(("why-task",), id="g"),
    pytest.param(("secrets", "networks", "secret-rotate"), id="h"),
    pytest.param(("configs", "contexts"), id="i"),
]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshots_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_groups_are_every_shot_of_the_script() -> None:
    """Run without names the script renders all its shots: these are the ones expected."""
    grouped = [name for group in GROUPS for name in group.values[0]]  # type: ignore[union-attr]
    shots = [shot.name for shot in load_script().SHOTS]
    assert sorted(grouped) == sorted(shots)
    assert {f"{name}.svg" for name in shots} == set(EXPECTED)


@pytest.mark.parametrize("names", GROUPS)
def test_script_writes_its_screenshots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]
) -> None:
    out = tmp_path / "shots"
    render_here(out, monkeypatch, *names)
    assert {p.name for p in out.iterdir()} == {f"{name}.svg" for name in names}
    for name in names:
        svg = (out / f"{name}.svg").read_text()
        assert svg.lstrip().startswith("<svg"), name
        assert svg.rstrip().endswith("</svg>"), name
        text = EXPECTED[f"{name}.svg"]
        assert text in svg, f"{name} does not show {text!r}"
    if "main-80x24" in names:
        # The same shot again gives the same file: committed screenshots only change with the UI.
        again = tmp_path / "again"
        render(again, "main-80x24")
        assert [p.name for p in again.iterdir()] == ["main-80x24.svg"]
        assert (again / "main-80x24.svg").read_text() == (out / "main-80x24.svg").read_text()
