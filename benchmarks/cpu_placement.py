"""CPU accounting and placement through the host's cgroups (v1 or v2), for the scale run.

The lab's 50 nodes and its manager share this machine's cores with the console; on a real
swarm they are other hosts. `container_cpu_seconds` reads what the manager's container
used (so a report can show the manager taking the cores), and `pinned` gives the console a
core of its own and the lab the others, as a console on a jump host would have. Both need
root; without it they answer None and do nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path("/sys/fs/cgroup")
GROUP = "swarmtui-bench-console-core"
ENGINE_GROUP = "swarmtui-bench-lab-cores"


def _v2() -> bool:
    return (ROOT / "cgroup.controllers").exists()


def container_cpu_seconds(container_id: str) -> float | None:
    """CPU seconds the container has used (its cgroup's counter); None: not found here."""
    v1 = ROOT / "cpuacct" / "docker" / container_id / "cpuacct.usage"
    try:
        return int(v1.read_text()) / 1e9
    except (OSError, ValueError):
        pass
    for v2 in (
        ROOT / "system.slice" / f"docker-{container_id}.scope" / "cpu.stat",
        ROOT / "docker" / container_id / "cpu.stat",
    ):
        try:
            for line in v2.read_text().splitlines():
                name, _, value = line.partition(" ")
                if name == "usage_usec":
                    return int(value) / 1e6
        except (OSError, ValueError):
            continue
    return None


def _remove(group: Path) -> None:
    """Hand what is left in GROUP back to the root group, then remove it."""
    try:
        left = (group / "cgroup.procs").read_text().split()
    except OSError:
        left = []
    for pid in left:
        with suppress(OSError):
            (group.parent / "cgroup.procs").write_text(pid)
    with suppress(OSError):
        os.rmdir(group)


# The host's engine, which runs the lab's node containers: on the lab's side of the machine
ENGINE_PROGRAMS = frozenset({"dockerd", "containerd", "containerd-shim", "containerd-shim-runc-v2"})


def engine_pids(proc: Path = Path("/proc")) -> list[int]:
    """This host's engine processes (by program name), to run with the lab's nodes; not
    the nodes' own engines, in their containers' cgroups (moving those out of them would
    leave them there)."""
    found = []
    for entry in proc.iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                program = (entry / "comm").read_text().strip()
                groups = (entry / "cgroup").read_text()
                if program in ENGINE_PROGRAMS and "docker" not in groups.replace(
                    "docker.service", ""
                ):
                    found.append(int(entry.name))
    return sorted(found)


def _cpuset_path(name: str) -> Path:
    return ROOT / name if _v2() else ROOT / "cpuset" / name


def _cpuset(name: str, cpus: str, pids: Sequence[int]) -> None:
    """A cpuset cgroup NAME of CPUS holding PIDS (raising OSError when not allowed)."""
    group = _cpuset_path(name)
    if _v2():
        (ROOT / "cgroup.subtree_control").write_text("+cpuset")
    group.mkdir(exist_ok=True)
    if not _v2():  # v1 wants the memory nodes set before any process joins
        (group / "cpuset.mems").write_text((group.parent / "cpuset.mems").read_text())
    (group / "cpuset.cpus").write_text(cpus)
    for pid in pids:
        with suppress(ProcessLookupError):  # gone meanwhile (a shim, say)
            (group / "cgroup.procs").write_text(str(pid))


@contextmanager
def pinned(
    pids: Sequence[int], containers: Sequence[Any], engine: Sequence[int] = ()
) -> Iterator[str | None]:
    """Processes PIDS on the last core alone, the lab's node CONTAINERS (docker-py objects)
    and the host's ENGINE processes on the others while inside: the console on a host of
    its own, as far as one machine allows (the kernel still runs anywhere). Yields how, or
    None when this machine has one core or does not allow it."""
    cores = os.cpu_count() or 1
    if cores < 2:
        yield None
        return
    console_core, every_core = str(cores - 1), f"0-{cores - 1}"
    lab_cores = "0" if cores == 2 else f"0-{cores - 2}"
    moved: list[Any] = []
    try:
        try:
            _cpuset(GROUP, console_core, pids)
            _cpuset(ENGINE_GROUP, lab_cores, engine)
            for container in containers:
                container.update(cpuset_cpus=lab_cores)
                moved.append(container)
        except Exception:  # no cgroup rights, no cpuset controller, an engine refusing
            yield None
            return
        yield (
            f"the console and the benchmark reading its pty on core {console_core} "
            f"(cgroup {GROUP}); the lab's {len(moved)} nodes and this host's engine "
            f"({len(engine)} processes) on {'cores' if cores > 2 else 'core'} {lab_cores}"
        )
    finally:
        for container in moved:
            with suppress(Exception):
                container.update(cpuset_cpus=every_core)
        for name in (GROUP, ENGINE_GROUP):
            _remove(_cpuset_path(name))
