"""The architecture, machine-checked: which layer may import which library.

- textual and rich (the terminal UI) only under swarmtui/ui/;
- docker (docker-py, the engine API) only under swarmtui/backend/;
- paramiko (SSH) only under swarmtui/provisioning/ (docker-py uses it on its own for ssh://).

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
ALLOWED_IN = {"textual": "ui", "rich": "ui", "docker": "backend", "paramiko": "provisioning"}


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


def violations(relative: Path, source: str) -> list[str]:
    """The imports of the module at RELATIVE (inside swarmtui/) that break the layering."""
    subpackage = relative.parts[0] if len(relative.parts) > 1 else ""
    return [
        f"swarmtui/{relative.as_posix()} imports {library} "
        f"(allowed only in swarmtui/{ALLOWED_IN[library]}/)"
        for library in sorted(imported_libraries(source, str(relative)))
        if library in ALLOWED_IN and subpackage != ALLOWED_IN[library]
    ]


def package_modules() -> list[Path]:
    return sorted(PACKAGE_DIR.rglob("*.py"))


def test_the_package_is_checked() -> None:
    relative = {p.relative_to(PACKAGE_DIR).as_posix() for p in package_modules()}
    assert {"models.py", "sync/refresher.py", "ui/app.py", "backend/docker_backend.py"} <= relative


def test_layering() -> None:
    problems: list[str] = []
    for path in package_modules():
        problems += violations(path.relative_to(PACKAGE_DIR), path.read_text())
    assert not problems, "\n".join(problems)


def test_layers_use_their_libraries() -> None:
    """The rules are not vacuous: the UI does use textual and the backend docker."""
    ui = set().union(*(imported_libraries(p.read_text()) for p in PACKAGE_DIR.glob("ui/*.py")))
    backend = set().union(
        *(imported_libraries(p.read_text()) for p in PACKAGE_DIR.glob("backend/*.py"))
    )
    assert {"textual", "rich"} <= ui
    assert "docker" in backend


@pytest.mark.parametrize(
    ("relative", "source", "library"),
    [
        ("models.py", "import textual", "textual"),
        ("sync/refresher.py", "from rich.text import Text", "rich"),
        ("columns.py", "def f():\n    from textual.widgets import DataTable\n", "textual"),
        ("cluster.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n import docker\n", ""),
        ("ui/app.py", "import docker.errors", "docker"),
        ("ui/app.py", "import importlib\nimportlib.import_module('docker')", "docker"),
        ("backend/docker_backend.py", "import paramiko", "paramiko"),
        ("backend/ssh.py", "__import__('paramiko.client')", "paramiko"),
        ("__init__.py", "from textual.app import App", "textual"),
    ],
)
def test_violations_are_detected(relative: str, source: str, library: str) -> None:
    found = violations(Path(relative), source)
    assert len(found) == 1
    assert f"imports {library or 'docker'}" in found[0]


@pytest.mark.parametrize(
    ("relative", "source"),
    [
        ("ui/app.py", "from textual.app import App\nfrom rich.text import Text"),
        ("ui/deep/widget.py", "import textual.widgets"),
        ("backend/lab.py", "import docker"),
        ("provisioning/ssh.py", "import paramiko"),
        ("models.py", "from swarmtui.ui import app  # the swarmtui package, not textual"),
        ("models.py", "from .backend import mapping"),
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
)


def test_core_modules_load_no_ui_or_engine_library() -> None:
    """At run time too: the sync layer and the models pull in neither textual nor docker."""
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
