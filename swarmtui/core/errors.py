"""Why the console cannot show a swarm: the kinds of trouble and their plain explanation."""

from __future__ import annotations

from enum import Enum


class ProblemKind(Enum):
    MALFORMED_ENDPOINT = "Endpoint URL malformed"
    UNREACHABLE = "Engine unreachable"
    PERMISSION_DENIED = "Permission denied"
    API_TOO_OLD = "Engine API version too old"
    NOT_A_MANAGER = "Not a swarm manager"
    NOT_IN_SWARM = "Not in swarm mode"
    QUORUM_LOST = "Swarm has no leader"
    ELECTING = "Electing a leader"  # the leader is gone; the managers left make a majority
    ENGINE_ERROR = "Engine error"


class BackendError(Exception):
    """A failure the UI explains instead of showing a traceback."""

    def __init__(self, kind: ProblemKind, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message
