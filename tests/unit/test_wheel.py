"""The wheel: built from the checkout, installed into a fresh venv, run outside the repo.

Proves that the stylesheet ships inside the package (the source tree keeps it in styles/ at
the top level) and that the installed app finds and applies it. The dependencies come from
the project's venv through PYTHONPATH: only swarmtui itself is installed from the wheel.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import sysconfig
import textwrap
import tomllib
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHECK_INSTALLED = textwrap.dedent(
    """
    import asyncio
    import sys
    from pathlib import Path

    import swarmtui

    package = Path(swarmtui.__file__).resolve().parent
    assert package.is_relative_to(Path(sys.prefix).resolve()), f"not the wheel: {package}"
    stylesheet = package / "styles" / "app.tcss"
    assert stylesheet.is_file(), f"{stylesheet} is missing"

    from swarmtui.demo.cluster import DEMO_NOW, DemoBackend
    from swarmtui.session.session import Session
    from swarmtui.ui.app import SwarmTuiApp

    assert Path(SwarmTuiApp.CSS_PATH).resolve() == stylesheet.resolve(), SwarmTuiApp.CSS_PATH


    async def main() -> None:
        app = SwarmTuiApp(Session(DemoBackend, clock=lambda: DEMO_NOW))
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(400):
                if app.main_screen.snapshot is not None:
                    break
                await pilot.pause(0.05)
            assert app.main_screen.snapshot is not None, "no data from the demo backend"
            await pilot.pause()
            # Rules that exist only in app.tcss: the two-line header, the stacked panes.
            header = app.main_screen.query_one("#cluster-header")
            height = header.styles.height
            assert height is not None and height.value == 2, height
            top = app.main_screen.query_one("#top-panes")
            assert top.has_class("-narrow")
            assert top.styles.layout is not None and top.styles.layout.name == "vertical"
            assert app.main_screen.query_one("#services").styles.border_top[0] == "round"


    asyncio.run(main())
    print("wheel ok")
    """
)


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, (
        f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def test_wheel_ships_and_loads_the_stylesheet(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet"]
    if importlib.util.find_spec("hatchling") is not None:
        # The build backend is in the project venv already: build offline, and fast.
        pip_wheel += ["--no-build-isolation", "--no-index"]
    run([*pip_wheel, "--wheel-dir", str(dist), str(REPO)], cwd=tmp_path)
    (wheel,) = dist.glob("swarmtui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "swarmtui/styles/app.tcss" in names
    assert "swarmtui/ui/app.py" in names
    assert not any(name.startswith(("tests/", "styles/")) for name in names)

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        cwd=tmp_path,
    )
    assert (venv / "bin" / "swarmtui").is_file(), "the console script is not installed"

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "TEXTUAL"))
    }
    # textual, docker and paramiko from the project venv; swarmtui from the wheel, which
    # wins: a regular package beats the editable install's leftover styles/ folder there.
    env["PYTHONPATH"] = sysconfig.get_paths()["purelib"]
    env["PYTHONNOUSERSITE"] = "1"
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    output = run([str(python), "-c", CHECK_INSTALLED], cwd=workdir, env=env)
    assert output.strip().endswith("wheel ok")

    # The console script: its version from the wheel's metadata, its help, its completion.
    swarmtui = str(venv / "bin" / "swarmtui")
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert run([swarmtui, "--version"], cwd=workdir, env=env) == f"swarmtui {version}\n"
    usage = run([swarmtui, "--help"], cwd=workdir, env=env)
    assert usage.startswith("usage: swarmtui"), usage
    for command in ("lab", "machine", "stack", "completion", "--context", "--version"):
        assert command in usage, f"{command} missing from --help:\n{usage}"
    assert "swarmtui machine ls" in run([swarmtui, "machine", "rm", "--help"], cwd=workdir, env=env)
    assert "_swarmtui_complete" in run([swarmtui, "completion", "bash"], cwd=workdir, env=env)
