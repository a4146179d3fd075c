"""Hand the terminal to the user's editor ($EDITOR, else $VISUAL, else vi) on a temporary
file: the console suspends as for a shell, the editor runs, the console resumes and reads the
file back. The file lives in a private temporary folder removed afterwards."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from textual.app import App, SuspendNotSupported


class EditorFailed(Exception):
    """The editor could not run or did not end well: nothing is to be changed."""


def editor_command() -> list[str]:
    chosen = os.environ.get("EDITOR") or os.environ.get("VISUAL") or "vi"
    return shlex.split(chosen) or ["vi"]


def edit_in_editor(app: App[Any], text: str, file_name: str) -> str:
    """TEXT as the user left it in the editor (blocking until the editor ends)."""
    command = editor_command()
    with tempfile.TemporaryDirectory(prefix="swarmtui-edit-") as folder:
        path = Path(folder) / file_name
        path.write_text(text, encoding="utf-8")
        try:
            with app.suspend():
                ended = subprocess.run([*command, str(path)], check=False)
        except SuspendNotSupported as exc:
            raise EditorFailed(
                "This console cannot hand its terminal to an editor (a browser session)."
            ) from exc
        except OSError as exc:
            raise EditorFailed(
                f"The editor {shlex.join(command)!r} did not start ({exc.strerror or exc}): "
                "set $EDITOR."
            ) from exc
        if ended.returncode != 0:
            raise EditorFailed(
                f"The editor {shlex.join(command)!r} exited with status {ended.returncode}."
            )
        return path.read_text(encoding="utf-8")
