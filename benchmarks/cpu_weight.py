"""CPU accounting and weighting through the host's cgroups (v1 or v2), for the scale run.

The lab's 50 nodes and its manager share this machine's cores with the console; on a real
swarm they are other hosts. `container_cpu_seconds` reads what the manager's container
used (so a report can show the manager taking the cores), and `weighted` puts the console
in a cgroup of its own with WEIGHT times the default CPU weight: a console that, like one on
its own host, is not made to wait for the manager's work. Both need root; without it they
answer None and do nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
GROUP = "swarmtui-bench-console"


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


@contextmanager
def weighted(pids: Sequence[int], weight: int) -> Iterator[str | None]:
    """Processes PIDS in a cgroup with WEIGHT times the default CPU weight while inside;
    yields how (for the report), or None when this machine does not allow it."""
    if _v2():
        group, setting, value = ROOT / GROUP, "cpu.weight", str(min(100 * weight, 10_000))
    else:
        group, setting, value = ROOT / "cpu" / GROUP, "cpu.shares", str(1024 * weight)
    try:
        group.mkdir(exist_ok=True)
        (group / setting).write_text(value)
        for pid in pids:
            (group / "cgroup.procs").write_text(str(pid))
    except OSError:
        yield None
        _remove(group)
        return
    try:
        yield f"{group.name} ({setting} {value})"
    finally:
        _remove(group)


def _remove(group: Path) -> None:
    """Hand what is left in GROUP back to the root group, then remove it."""
    try:
        for pid in (group / "cgroup.procs").read_text().split():
            (group.parent / "cgroup.procs").write_text(pid)
    except OSError:
        pass
    with suppress(OSError):
        os.rmdir(group)
