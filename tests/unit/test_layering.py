"""The architecture, machine-checked.

- textual and rich (the terminal UI) only under swarmtui/ui/;
- docker (docker-py, the engine API) only under swarmtui/adapters/docker/;
- paramiko (SSH) only under swarmtui/adapters/ssh/ (docker-py uses it on its own for ssh://);
- each folder imports only the swarmtui folders below it (FOLDER_MAY_IMPORT): the UI never
  imports an adapter or the demo, the core imports nothing, swarmtui/nodes (routes to a
  node's engine, exec plans, the terminal relay) only the core, the ports and the machine
  records;
- only swarmtui/session/ writes: calls `.mutator()` or `.init_swarm()` on a backend.

Every import counts, also one inside a function or under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import swarmtui

PACKAGE_DIR = Path(swarmtui.__file__).resolve().parent
# library -> the only subpackage of swarmtui that may import it
ALLOWED_IN = {
    "textual": "ui",
    "rich": "ui",
    "docker": "adapters/docker",
    "paramiko": "adapters/ssh",
}
# folder of swarmtui -> the other folders of swarmtui it may import from
CORE = {"core"}
FOLDER_MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "display": CORE | {"ports"},
    "ports": CORE | {"logs"},
    "logs": CORE | {"ports"},
    "actions": CORE | {"ports", "machines", "stacks"},
    "machines": CORE | {"ports", "actions"},
    "stacks": CORE | {"ports"},
    "nodes": CORE | {"ports", "machines"},
    "diagnosis": CORE,
    "session": CORE | {"ports", "actions", "machines", "logs", "stacks", "nodes", "diagnosis"},
    "adapters/docker": CORE | {"ports", "logs", "machines", "actions", "session", "nodes"},
    "adapters/ssh": CORE | {"machines", "actions", "nodes"},
    "demo": CORE | {"ports", "logs", "machines", "actions"},
    "ui": CORE
    | {"ports", "logs", "machines", "actions", "session", "display", "stacks", "nodes"}
    | {"diagnosis"},
    "cli": CORE
    | {"ports", "logs", "machines", "actions", "session", "stacks", "nodes", "diagnosis"}
    | {"adapters/docker", "adapters/ssh"}
    | {"ui", "demo"},
    "adapters": set(),  # its __init__.py
    "": {"cli"},  # __init__.py, __main__.py
}
WRITES = ("mutator", "init_swarm")


def imported_libraries(source: str, filename: str = "<source>") -> set[str]:
    """Top-level names of every module SOURCE imports, statically or via importlib."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func):
            name = _constant_argument(node)
            if name:
                found.add(name.split(".")[0])
    return found


def _constant_argument(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant):
        value = call.args[0].value
        return value if isinstance(value, str) else None
    return None


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("__import__", "import_module")
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def folder_of(relative: Path) -> str:
    """The layer of a module: its top folder (adapters: adapters/<kind>), '' at the top."""
    parts = relative.parts
    if len(parts) == 1:
        return parts[0].removesuffix(".py") if parts[0] == "ports.py" else ""
    if parts[0] == "adapters" and len(parts) > 2:
        return f"adapters/{parts[1]}"
    return parts[0]


def _swarmtui_folder(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "swarmtui" or len(parts) < 2:
        return None
    if parts[1] == "adapters" and len(parts) > 2:
        return f"adapters/{parts[2]}"
    return parts[1]


def swarmtui_imports(source: str, filename: str = "<source>") -> set[str]:
    """The swarmtui folders SOURCE imports from (absolute imports)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            folder = _swarmtui_folder(name)
            if folder is not None:
                found.add(folder)
    return found


def writes(source: str, filename: str = "<source>") -> list[int]:
    """Lines of SOURCE that call `.mutator()` or `.init_swarm()`."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source, filename))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WRITES
    )


def violations(relative: Path, source: str) -> list[str]:
    """What the module at RELATIVE (inside swarmtui/) does against the layering."""
    folder = folder_of(relative)
    name = f"swarmtui/{relative.as_posix()}"
    found = [
        f"{name} imports {library} (allowed only in swarmtui/{ALLOWED_IN[library]}/)"
        for library in sorted(imported_libraries(source, str(relative)))
        if library in ALLOWED_IN and folder != ALLOWED_IN[library]
    ]
    may = FOLDER_MAY_IMPORT.get(folder, set()) | {folder}
    found += [
        f"{name} imports swarmtui/{other} (swarmtui/{folder or '.'} may import only "
        f"{', '.join(sorted(may - {folder})) or 'nothing'})"
        for other in sorted(swarmtui_imports(source, str(relative)) - may)
    ]
    if folder != "session":
        found += [f"{name}:{line} writes to the swarm outside session/" for line in writes(source)]
    return found


def package_modules() -> list[Path]:
    return sorted(PACKAGE_DIR.rglob("*.py"))


def test_the_package_is_checked() -> None:
    relative = {p.relative_to(PACKAGE_DIR).as_posix() for p in package_modules()}
    expected = {
        "core/models.py",
        "session/session.py",
        "ui/app.py",
        "adapters/docker/docker_backend.py",
        "adapters/ssh/ssh_driver.py",
    }
    assert expected <= relative


def test_every_folder_has_rules() -> None:
    folders = {folder_of(p.relative_to(PACKAGE_DIR)) for p in package_modules()}
    assert folders <= set(FOLDER_MAY_IMPORT), folders - set(FOLDER_MAY_IMPORT)


def test_layering() -> None:
    problems: list[str] = []
    for path in package_modules():
        problems += violations(path.relative_to(PACKAGE_DIR), path.read_text())
    assert not problems, "\n".join(problems)


def test_layers_use_their_libraries() -> None:
    """The rules are not vacuous: the UI does use textual and the backend docker."""

    def libraries(folder: str) -> set[str]:
        paths = PACKAGE_DIR.glob(f"{folder}/**/*.py")
        return set().union(*(imported_libraries(p.read_text()) for p in paths))

    assert {"textual", "rich"} <= libraries("ui")
    assert "docker" in libraries("adapters/docker")
    assert "paramiko" in libraries("adapters/ssh")
    session = "".join(p.read_text() for p in PACKAGE_DIR.glob("session/*.py"))
    assert writes(session), "the session is where writes happen"


@pytest.mark.parametrize(
    ("relative", "source", "library"),
    [
        ("core/models.py", "import textual", "textual"),
        ("session/refresher.py", "from rich.text import Text", "rich"),
        ("display/columns.py", "def f():\n    from textual.widgets import DataTable\n", "textual"),
        ("ports.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n import docker\n", ""),
        ("ui/app.py", "import docker.errors", "docker"),
        ("ui/app.py", "import importlib\nimportlib.import_module('docker')", "docker"),
        ("adapters/docker/docker_backend.py", "import paramiko", "paramiko"),
        ("adapters/docker/ssh.py", "__import__('paramiko.client')", "paramiko"),
        ("__init__.py", "from textual.app import App", "textual"),
    ],
)
def test_violations_are_detected(relative: str, source: str, library: str) -> None:
    found = violations(Path(relative), source)
    assert len(found) == 1
    assert f"imports {library or 'docker'}" in found[0]


@pytest.mark.parametrize(
    ("relative", "source", "what"),
    [
        ("ui/screens/x.py", "from swarmtui.adapters.docker.lab import Lab", "adapters/docker"),
        ("ui/app.py", "from swarmtui.demo.cluster import DemoBackend", "demo"),
        ("core/models.py", "from swarmtui.display.columns import node_row", "display"),
        ("session/loops.py", "import swarmtui.ui.app", "ui"),
        ("nodes/routes.py", "from swarmtui.session.session import Session", "session"),
        ("nodes/exec_plan.py", "from swarmtui.adapters.ssh import ssh_driver", "adapters/ssh"),
        ("diagnosis/explain.py", "from swarmtui.session.session import Session", "session"),
        ("machines/manager.py", "cluster.mutator().join_tokens()", "writes"),
        ("ui/screens/join_screen.py", "backend.mutator().leave_swarm(True)", "writes"),
        ("ui/screens/init.py", "session.backend().init_swarm('')", "writes"),
    ],
)
def test_layer_crossings_are_detected(relative: str, source: str, what: str) -> None:
    [found] = violations(Path(relative), source)
    assert what in found


@pytest.mark.parametrize(
    ("relative", "source"),
    [
        ("ui/app.py", "from textual.app import App\nfrom rich.text import Text"),
        ("ui/deep/widget.py", "import textual.widgets"),
        ("adapters/docker/lab.py", "import docker"),
        ("adapters/ssh/ssh_driver.py", "import paramiko"),
        ("cli/main.py", "from swarmtui.ui.app import SwarmTuiApp"),
        ("ui/app.py", "from swarmtui.session.session import Session"),
        ("session/session.py", "self.backend().mutator()"),
    ],
)
def test_allowed_imports(relative: str, source: str) -> None:
    assert violations(Path(relative), source) == []


CORE_MODULES = (
    "swarmtui.core.models",
    "swarmtui.display.columns",
    "swarmtui.session.refresher",
    "swarmtui.session.loops",
    "swarmtui.ports",
    "swarmtui.core.config",
    "swarmtui.core.endpoints",
    "swarmtui.core.errors",
    "swarmtui.display.inspect_text",
    "swarmtui.core.mapping",
    "swarmtui.core.node_access",
    "swarmtui.nodes.routes",
    "swarmtui.nodes.exec_plan",
    "swarmtui.diagnosis.explain",
)


def test_core_modules_load_no_ui_or_engine_library() -> None:
    """At run time too: the session, actions and models pull in neither textual nor docker."""
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules}"
        " & {'textual', 'rich', 'docker', 'paramiko'})\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"loaded: {result.stdout.strip()}"
