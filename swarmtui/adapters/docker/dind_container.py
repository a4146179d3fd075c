"""Starting a Docker-in-Docker container: shared by the lab and the dind machine driver.

`--privileged` is refused on some hosts ("unable to apply caps: operation not permitted" when
the capability bounding set lacks CAP_SYS_RESOURCE); the capability profile below works there
(docs: test-infrastructure.md). Both are tried, in the caller's order of preference; callers
that start many containers remember which one the engine runs (the dind machine driver).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import docker

from swarmtui.adapters.docker.engine_setup import engine_reachable

NODE_API_PORT = 2375
PRIVILEGED = "--privileged"
CAPABILITY_PROFILE = "capability profile"
# the capability profile, --privileged only where it does not start (the lab's order)
CAPABILITY_FIRST = (CAPABILITY_PROFILE, PRIVILEGED)

Log = Callable[[str], None]


class DindError(RuntimeError):
    """A Docker-in-Docker container could not be started or did not answer."""


def host_config_attempts(api: Any, common: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The two ways to run a nested dockerd, by label: the capability profile and privileged.

    Both run under the engine's init (`--init`): the nested dockerd is not written to be
    PID 1 and would leave every orphaned shim and ssh session as a zombie.
    """
    common = {"init": True, **common}
    profile = api.create_host_config(
        cap_add=["ALL"],
        cap_drop=["SYS_RESOURCE"],
        security_opt=["seccomp=unconfined", "apparmor=unconfined"],
        device_cgroup_rules=["a *:* rwm"],
        cgroupns="private",
        **common,
    )
    # What the CLI sends for --security-opt systempaths=unconfined (it is not an engine option).
    profile["MaskedPaths"] = []
    profile["ReadonlyPaths"] = []
    return {
        CAPABILITY_PROFILE: profile,
        PRIVILEGED: api.create_host_config(privileged=True, **common),
    }


def start_dind_container(
    host: Any,
    order: Sequence[str],
    *,
    image: str,
    name: str,
    hostname: str,
    labels: dict[str, str],
    volume: str,
    network: str,
    environment: dict[str, str],
    log: Log,
    address: str | None = None,
) -> tuple[str, str]:
    """Create and start the container (API port published on 127.0.0.1), trying the profiles
    in ORDER (PRIVILEGED, CAPABILITY_PROFILE); returns (container id, the profile it started
    with). Whatever attempt does not start is removed again; DindError when none starts.

    A profile the engine refuses while the next one works is a step, not an error: one info
    line says which is used; the engine's refusals are in the DindError only when none starts.
    """
    api = host.api
    common: dict[str, Any] = {
        "binds": {volume: {"bind": "/var/lib/docker", "mode": "rw"}},
        "port_bindings": {NODE_API_PORT: ("127.0.0.1",)},  # a random free host port
        "network_mode": network,
    }
    attempts = host_config_attempts(api, common)
    errors: list[str] = []
    for index, label in enumerate(order):
        created = api.create_container(
            image,
            name=name,
            hostname=hostname,
            labels=labels,
            ports=[NODE_API_PORT],
            environment=environment,
            host_config=attempts[label],
            networking_config=api.create_networking_config(
                {network: api.create_endpoint_config(ipv4_address=address)}
            ),
        )
        try:
            api.start(created["Id"])
        except docker.errors.APIError as exc:
            errors.append(f"{label}: {exc.explanation or exc}")
            api.remove_container(created["Id"], force=True, v=True)
            if index + 1 < len(order):
                following = order[index + 1]
                log(f"{name}: this engine does not run {label} containers; using the {following}")
            continue
        log(f"{name} started with {label}")
        return str(created["Id"]), label
    raise DindError(f"cannot start {name}: " + "; ".join(errors))


def published_api_url(attrs: dict[str, Any]) -> str:
    """tcp://127.0.0.1:PORT of a running container's published API port, else ""."""
    settings = attrs.get("NetworkSettings") or {}
    bindings = (settings.get("Ports") or {}).get(f"{NODE_API_PORT}/tcp") or []
    port = next((b["HostPort"] for b in bindings if b.get("HostIp") == "127.0.0.1"), "")
    running = bool((attrs.get("State") or {}).get("Running"))
    return f"tcp://127.0.0.1:{port}" if running and port else ""


def wait_dind_api(host: Any, container_id: str, label: str, timeout: float) -> str:
    """Wait until the nested engine answers on its published port; returns its URL."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        container = host.containers.get(container_id)
        url = published_api_url(container.attrs)
        if url and engine_reachable(url, timeout=2):
            return url
        if container.status not in ("running", "created"):
            tail = container.logs(tail=20).decode(errors="replace")
            raise DindError(f"{label} stopped ({container.status}):\n{tail}")
        time.sleep(0.5)
    raise DindError(f"the engine of {label} did not answer within {timeout:.0f} s")


def remove_with_retry(
    action: Callable[[], object],
    what: str,
    error: Callable[[str], Exception],
    attempts: int = 10,
) -> None:
    """Run a removal; gone already is fine, "in use" right after a forced container removal
    is retried, and the last failure is raised as ERROR(message)."""
    for attempt in range(attempts):
        try:
            action()
            return
        except docker.errors.NotFound:
            return
        except docker.errors.APIError as exc:
            if attempt == attempts - 1:
                raise error(f"{what} failed: {exc}") from exc
            time.sleep(0.5)
