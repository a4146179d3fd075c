"""A failure in plain words, for journal lines and messages."""

from __future__ import annotations

from swarmtui.core.errors import BackendError
from swarmtui.machines.model import MachineError


def failure_text(exc: BaseException) -> str:
    """The message of our own errors; the type and text of anything else."""
    if isinstance(exc, BackendError | MachineError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"
