"""Room in the kernel's neighbour (ARP) table for a big lab.

The table is shared by every network namespace on the machine. Each lab node keeps an entry
per peer on every overlay network (the ingress network at least), so fifty nodes hold
thousands of entries: past the default hard limit of 1,024 the kernel logs "neighbor table
overflow" and drops new ones, and the host stops reaching the nodes' engines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

SYSCTL = Path("/proc/sys/net/ipv4/neigh/default")
NETWORKS_PER_NODE = 4  # overlay networks a lab node takes part in, with room to spare
# What the machine's own interfaces and containers need besides: below the kernel's default
# limit of 1,024 with a small lab, so the test labs leave the host's settings alone.
HEADROOM = 256


def entries_needed(nodes: int) -> int:
    return NETWORKS_PER_NODE * nodes * nodes + HEADROOM


def make_room(nodes: int, log: Callable[[str], None], sysctl: Path = SYSCTL) -> None:
    """Raise the table's limits for NODES lab nodes when they are lower; never lowers them.
    Without the right to (not root, a read-only /proc/sys) it says what to raise instead."""
    hard = entries_needed(nodes)
    limits = {"gc_thresh3": hard, "gc_thresh2": hard // 2}
    try:
        current = {name: int((sysctl / name).read_text()) for name in limits}
    except (OSError, ValueError):
        return  # not Linux, or no such table: nothing to do
    low = {name: value for name, value in limits.items() if current[name] < value}
    if not low:
        return
    try:
        for name, value in low.items():
            (sysctl / name).write_text(f"{value}\n")
    except OSError as exc:
        settings = " ".join(f"net.ipv4.neigh.default.{n}={v}" for n, v in low.items())
        log(
            f"warning: {nodes} lab nodes may overflow the kernel's neighbour table "
            f"({exc.strerror}); as root: sysctl -w {settings}"
        )
        return
    raised = ", ".join(f"{name} {current[name]} -> {value}" for name, value in low.items())
    log(f"kernel neighbour table raised for {nodes} nodes: {raised}")
