"""Where the Textual CSS lives: the top-level styles/ folder, shipped in the wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def stylesheet(name: str) -> Path:
    packaged = _PACKAGE / "styles" / name  # inside an installed wheel
    if packaged.exists():
        return packaged
    return _PACKAGE.parent / "styles" / name  # a source checkout
