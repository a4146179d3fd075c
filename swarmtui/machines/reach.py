"""Reaching the swarm's managers from a machine that joins (issue 10, item 1).

Before a machine is made to join, it is told where the managers are (so the dind driver can
place it on their network), and before `docker swarm join` is posted, the machine itself
checks that the manager's swarm port answers: an unreachable manager is named plainly within
seconds, instead of the engine's "Timeout was reached before node joined" after 20 s.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from swarmtui.machines.cluster_access import ClusterAccess
from swarmtui.machines.model import CreateRequest, Driver, MachineError, MachineRecord, StepLog

PROBE_SECONDS = 5
# Runs on the machine (sh, bash's /dev/tcp under coreutils' timeout, else nc): prints
# open, closed or unknown (no tool to tell). $1 address, $2 port, $3 seconds.
PROBE_SCRIPT = (
    "if command -v bash >/dev/null && command -v timeout >/dev/null; then "
    'timeout "$3" bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null && echo open || echo closed; '
    'elif command -v nc >/dev/null; then nc -z -w "$3" "$1" "$2" && echo open || echo closed; '
    "else echo unknown; fi"
)


def with_manager_addresses(request: CreateRequest, cluster: ClusterAccess) -> CreateRequest:
    """REQUEST with the swarm addresses of CLUSTER's managers (the connected one first).

    Unchanged when CLUSTER is no manager (the join refuses that, with its own message) or
    the addresses were given already.
    """
    if request.join_addresses:
        return request
    info = cluster.engine_info()
    if info.swarm_state != "active" or not info.is_manager:
        return request
    addresses = [host_only(info.node_address)]
    try:
        nodes = cluster.nodes()
    except Exception:  # the connected manager's own address is what the join uses
        nodes = []
    addresses += [host_only(n.address) for n in nodes if n.role == "manager"]
    usable = [a for a in dict.fromkeys(addresses) if is_ip(a) and a not in ("0.0.0.0", "::")]
    return replace(request, join_addresses=tuple(usable))


def check_reachable(
    driver: Driver,
    record: MachineRecord,
    address: str,
    port: int,
    source: str,
    log: StepLog,
) -> None:
    """MachineError naming ADDRESS:PORT and where from when the machine cannot open a TCP
    connection to it within PROBE_SECONDS; a machine without the tools to tell passes."""
    name = record.name
    log(f"{name}: checking that it reaches the manager {address}:{port}")
    command = ["sh", "-c", PROBE_SCRIPT, "probe", address, str(port), str(PROBE_SECONDS)]
    try:
        answer = driver.run(record, command, _quiet).strip()  # the line above says it
    except MachineError as exc:
        log(f"{name}: cannot check the way to the manager ({exc.message}); joining anyway")
        return
    if answer == "open":
        log(f"{name} reaches the manager {address}:{port}")
        return
    if answer != "closed":
        log(f"{name}: no tool to check the way to the manager; joining anyway")
        return
    network = record.extra.get("network", "")
    where = f"from {name} at {source}" + (f" on network {network}" if network else "")
    raise MachineError(
        f"{name} cannot reach the manager {address}:{port} ({where}): no TCP connection "
        f"within {PROBE_SECONDS} s, so it cannot join.",
        "The machine needs to reach the managers on 2377/tcp (and 7946/tcp+udp, 4789/udp). "
        + (
            "Create it on the manager's network (--network), or connect the networks."
            if network
            else "Open those ports between the machine and the managers."
        ),
    )


def _quiet(_: str) -> None:
    pass


def host_only(addr: str) -> str:
    text = addr.strip()
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    if text.count(":") == 1:
        return text.split(":", 1)[0]
    return text


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
