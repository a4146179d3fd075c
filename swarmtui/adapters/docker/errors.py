"""Turn docker-py, requests and SSH failures into BackendError with a plain explanation."""

from __future__ import annotations

import re

import docker.errors

from swarmtui.adapters.docker.api_version import MIN_API_VERSION
from swarmtui.core.errors import BackendError, ProblemKind

URL_PASSWORD_RE = re.compile(r"(://[^/\s:@]+:)[^@\s/]+@")


def classify(exc: BaseException, endpoint: str) -> BackendError:
    """Map any exception raised while talking to ENDPOINT to a BackendError."""
    if isinstance(exc, BackendError):
        return exc
    # library messages may repeat the URL: never its password
    text = URL_PASSWORD_RE.sub(r"\1***@", f"{type(exc).__name__}: {exc}")
    lowered = text.lower()
    if isinstance(exc, PermissionError) or "permission denied" in lowered:
        return BackendError(
            ProblemKind.PERMISSION_DENIED,
            f"Permission denied on {endpoint}.",
            "Run as a member of the 'docker' group, or as root, or use --host.",
        )
    if isinstance(exc, docker.errors.InvalidVersion):
        # docker-py refuses engines below API 1.24 while negotiating ("auto").
        return BackendError(
            ProblemKind.API_TOO_OLD,
            f"The engine at {endpoint} speaks a too old Engine API: {exc}",
            f"swarmtui needs API {MIN_API_VERSION} (Docker 20.10) or newer: upgrade the engine.",
        )
    if isinstance(exc, docker.errors.APIError):
        explanation = str(exc.explanation or exc)
        if exc.status_code == 503 and "not a swarm manager" in explanation.lower():
            return BackendError(
                ProblemKind.NOT_A_MANAGER,
                f"{endpoint} is a swarm worker, not a manager.",
                "Only managers can show the cluster: connect to a manager with --host.",
            )
        if "does not have a leader" in explanation.lower():
            return BackendError(
                ProblemKind.QUORUM_LOST,
                "The swarm has no leader: quorum is lost.",
                "Bring managers back until a majority is reachable.",
            )
        if "client version" in explanation.lower() and "too" in explanation.lower():
            return BackendError(
                ProblemKind.API_TOO_OLD,
                f"API version mismatch with {endpoint}: {explanation}",
                f"swarmtui needs Engine API {MIN_API_VERSION} or newer.",
            )
        return BackendError(ProblemKind.ENGINE_ERROR, explanation)
    if "host key for server" in lowered and "does not match" in lowered:
        # paramiko's BadHostKeyException: never "unreachable", it may be an attack.
        return BackendError(
            ProblemKind.UNREACHABLE,
            f"SSH to {endpoint} refused: the host key does not match ~/.ssh/known_hosts.",
            "If the host was reinstalled, remove its old key (ssh-keygen -R HOST) and add "
            "the new one to ~/.ssh/known_hosts; otherwise the connection may be intercepted.",
        )
    if "authentication" in lowered or "not found in known_hosts" in lowered:
        return BackendError(
            ProblemKind.UNREACHABLE,
            f"SSH to {endpoint} failed: {text.split(': ', 1)[-1]}",
            "Check the user, key (ssh-agent or ~/.ssh/config) and that the host key "
            "is in ~/.ssh/known_hosts.",
        )
    return BackendError(
        ProblemKind.UNREACHABLE,
        f"Cannot reach a Docker engine at {endpoint}.",
        f"Is the engine running and the address right? ({_short(text)})",
    )


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
