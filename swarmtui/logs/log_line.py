"""One log line of a swarm task, as the engine sent it (or a notice of swarmtui's own)."""

from __future__ import annotations

from typing import Literal, NamedTuple

StreamName = Literal["stdout", "stderr", "engine", "notice"]
"""stdout/stderr of the task; `engine`: an error the engine put in the stream; `notice`: ours."""


class LogLine(NamedTuple):
    """Immutable and hashable; a tuple, so that a flood of them is cheap to make and compare."""

    timestamp: int  # nanoseconds since the epoch (the engine's RFC 3339 timestamp)
    text: str
    stream: StreamName = "stdout"
    node_id: str = ""
    task_id: str = ""
    service_id: str = ""

    @property
    def is_stderr(self) -> bool:
        return self.stream == "stderr"

    @property
    def is_notice(self) -> bool:
        """Not a line of the task: an engine error or swarmtui's own explanation."""
        return self.stream in ("engine", "notice")
