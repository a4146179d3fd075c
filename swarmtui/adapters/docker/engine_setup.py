"""Make sure a local Docker engine answers, installing and starting one when we may."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import docker

LOCAL_ENGINE_URL = "unix:///var/run/docker.sock"
ENGINE_START_TIMEOUT = 60.0


class EngineSetupError(RuntimeError):
    """The local machine lacks something we cannot provide ourselves."""


def engine_reachable(base_url: str | None = None, timeout: float = 3) -> bool:
    """True when the engine at base_url (default: the local socket) answers a ping."""
    try:
        client = docker.APIClient(base_url=base_url or LOCAL_ENGINE_URL, timeout=timeout)
    except docker.errors.DockerException:
        return False
    try:
        return bool(client.ping())
    except (docker.errors.DockerException, OSError):
        return False
    finally:
        client.close()


def engine_client(base_url: str | None = None, timeout: float = 60) -> Any:
    """A docker-py DockerClient (API version negotiated) for base_url, default the local socket."""
    return docker.DockerClient(
        base_url=base_url or LOCAL_ENGINE_URL, version="auto", timeout=timeout
    )


def can_provision() -> bool:
    """True on a Debian machine where we run as root, so apt-get and dockerd are ours to use."""
    return Path("/etc/debian_version").exists() and os.geteuid() == 0


def find_tool(name: str) -> str | None:
    """Path of an executable, also looking in the sbin folders a non-login PATH may lack."""
    path = os.environ.get("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin"
    return shutil.which(name, path=path)


def apt_install(packages: Iterable[str], log: Callable[[str], None]) -> None:
    """apt-get update, then install the packages (root on Debian only)."""
    names = list(packages)
    if not names:
        return
    if not can_provision():
        raise EngineSetupError(
            f"missing {', '.join(names)} and this is not a Debian machine running as root: "
            f"install {' '.join(names)} yourself"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    log(f"apt-get install {' '.join(names)}")
    for argv in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *names],
    ):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise EngineSetupError(
                f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}"
            )


def ensure_tools(tools: dict[str, str], log: Callable[[str], None]) -> None:
    """Install the Debian package of each missing executable; tools maps executable -> package."""
    missing = sorted({pkg for tool, pkg in tools.items() if find_tool(tool) is None})
    apt_install(missing, log)
    still = [tool for tool in tools if find_tool(tool) is None]
    if still:
        raise EngineSetupError(f"still missing after installation: {', '.join(still)}")


def dockerd_log_path() -> Path:
    var_log = Path("/var/log")
    if os.access(var_log, os.W_OK):
        return var_log / "swarmtui-dockerd.log"
    return Path("/tmp/swarmtui-dockerd.log")


def ensure_engine(log: Callable[[str], None]) -> None:
    """Return once the local engine answers; install and start dockerd if we may."""
    if engine_reachable():
        return
    if not can_provision():
        raise EngineSetupError(
            f"no Docker engine answers at {LOCAL_ENGINE_URL} and this is not a Debian machine "
            "running as root: install Docker Engine and start it"
        )
    ensure_tools({"dockerd": "docker.io"}, log)
    dockerd = find_tool("dockerd")
    assert dockerd is not None
    clear_stale_pid_files(log)
    log_path = dockerd_log_path()
    log(f"starting dockerd (log: {log_path})")
    with open(log_path, "ab") as out:
        # A session of its own, so dockerd outlives us and our terminal's signals.
        proc = subprocess.Popen(
            [dockerd],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + ENGINE_START_TIMEOUT
    while time.monotonic() < deadline:
        if engine_reachable(timeout=2):
            log("dockerd is up")
            return
        if proc.poll() is not None:
            raise EngineSetupError(
                f"dockerd exited with status {proc.returncode}; see {log_path}:\n" + _tail(log_path)
            )
        time.sleep(0.5)
    raise EngineSetupError(
        f"dockerd started but {LOCAL_ENGINE_URL} did not answer within "
        f"{ENGINE_START_TIMEOUT:.0f} s; see {log_path}:\n" + _tail(log_path)
    )


STALE_PID_FILES = {
    Path("/var/run/docker.pid"): "dockerd",
    Path("/var/run/docker/containerd/containerd.pid"): "containerd",
}


def clear_stale_pid_files(
    log: Callable[[str], None], pid_files: dict[Path, str] | None = None
) -> None:
    """Remove pid files whose process is gone: dockerd refuses to start while one exists.

    A machine restored from a snapshot, or a dockerd that crashed, leaves them behind.
    """
    for path, program in (STALE_PID_FILES if pid_files is None else pid_files).items():
        try:
            pid = path.read_text().strip()
        except OSError:
            continue
        if pid.isdigit() and _process_name(int(pid)) == program:
            continue
        log(f"removing stale {path} (pid {pid or 'none'} is not a running {program})")
        path.unlink(missing_ok=True)


def _process_name(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
