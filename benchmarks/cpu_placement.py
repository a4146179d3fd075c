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
        for pid in (group / "cgroup.procs").read_text().split():
            (group.parent / "cgroup.procs").write_text(pid)
    except OSError:
        pass
    with suppress(OSError):
        os.rmdir(group)


GROUP = "swarmtui-bench-console-core"


@contextmanager
def pinned(pids: Sequence[int], containers: Sequence[Any]) -> Iterator[str | None]:
    """Processes PIDS on the last core alone and the lab's node CONTAINERS (docker-py
    objects) on the others while inside: the console on a host of its own, as far as one
    machine allows (the host's engine and kernel still run anywhere). Yields how, or None
    when this machine has one core or does not allow it."""
    cores = os.cpu_count() or 1
    if cores < 2:
        yield None
        return
    console_core, every_core = str(cores - 1), f"0-{cores - 1}"
    lab_cores = "0" if cores == 2 else f"0-{cores - 2}"
    group = ROOT / GROUP if _v2() else ROOT / "cpuset" / GROUP
    moved: list[Any] = []
    try:
        try:
            if _v2():
                (ROOT / "cgroup.subtree_control").write_text("+cpuset")
            group.mkdir(exist_ok=True)
            if not _v2():  # v1 wants the memory nodes set before any process joins
                (group / "cpuset.mems").write_text((group.parent / "cpuset.mems").read_text())
            (group / "cpuset.cpus").write_text(console_core)
            for pid in pids:
                (group / "cgroup.procs").write_text(str(pid))
            for container in containers:
                container.update(cpuset_cpus=lab_cores)
                moved.append(container)
        except Exception:  # no cgroup rights, no cpuset controller, an engine refusing
            yield None
            return
        yield (
            f"the console and the benchmark reading its pty on core {console_core} "
            f"(cgroup {group.name}), the lab's {len(moved)} nodes on "
            f"{'cores' if cores > 2 else 'core'} {lab_cores}"
        )
    finally:
        for container in moved:
            with suppress(Exception):
                container.update(cpuset_cpus=every_core)
        _remove(group)
