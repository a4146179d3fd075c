"""Human-readable inspect views: what `docker service inspect --pretty` and
`docker node inspect --pretty` print, plus a task summary. Pure functions of the raw JSON."""

from __future__ import annotations

from typing import Any

from swarmtui.core.mapping import json_get, parse_time


def _duration(nanos: object) -> str:
    if not isinstance(nanos, int) or nanos <= 0:
        return "0s"
    seconds = nanos / 1e9
    if seconds >= 60:
        minutes, rest = divmod(int(seconds), 60)
        return f"{minutes}m{rest}s" if rest else f"{minutes}m0s"
    return f"{seconds:g}s"


def _section(lines: list[str], title: str, pairs: list[tuple[str, object]], indent: int) -> None:
    shown = [(k, v) for k, v in pairs if v not in (None, "", [], {})]
    if not shown:
        return
    lines.append(" " * indent + f"{title}:")
    for key, value in shown:
        lines.append(" " * (indent + 1) + f"{key}:\t{value}")


def _labels(lines: list[str], labels: dict[str, str], indent: int = 0) -> None:
    lines.append(" " * indent + "Labels:")
    for key, value in sorted(labels.items()):
        lines.append(" " * (indent + 1) + f"{key}={value}")


def service_pretty(data: dict[str, Any]) -> str:
    spec = json_get(data, "Spec", default={})
    container = json_get(spec, "TaskTemplate", "ContainerSpec", default={})
    lines = [f"ID:\t\t{data.get('ID', '')}", f"Name:\t\t{spec.get('Name', '')}"]
    _labels(lines, json_get(spec, "Labels", default={}))
    mode = json_get(spec, "Mode", default={})
    if "Replicated" in mode:
        lines.append("Service Mode:\tReplicated")
        lines.append(f" Replicas:\t{json_get(mode, 'Replicated', 'Replicas', default=0)}")
    elif "Global" in mode:
        lines.append("Service Mode:\tGlobal")
    else:
        lines.append(f"Service Mode:\t{next(iter(mode), 'unknown')}")
    update_status = json_get(data, "UpdateStatus", default={})
    if update_status:
        lines.append("UpdateStatus:")
        lines.append(f" State:\t\t{update_status.get('State', '')}")
        started = parse_time(update_status.get("StartedAt"))
        if started:
            lines.append(f" Started:\t{started:%Y-%m-%d %H:%M:%S}")
        lines.append(f" Message:\t{update_status.get('Message', '')}")
    placement = json_get(spec, "TaskTemplate", "Placement", default={})
    lines.append("Placement:")
    for constraint in placement.get("Constraints", []) or []:
        lines.append(f" Constraints:\t[{constraint}]")
    for config_name, key in (("UpdateConfig", "Update"), ("RollbackConfig", "Rollback")):
        cfg = json_get(spec, config_name, default={})
        _section(
            lines,
            config_name,
            [
                ("Parallelism", cfg.get("Parallelism", 1)),
                ("Delay", _duration(cfg.get("Delay"))),
                ("On failure", cfg.get("FailureAction", "pause")),
                ("Monitoring Period", _duration(cfg.get("Monitor"))),
                ("Max failure ratio", cfg.get("MaxFailureRatio", 0)),
                (f"{key} order", cfg.get("Order", "stop-first")),
            ],
            0,
        )
    lines.append("ContainerSpec:")
    lines.append(f" Image:\t\t{container.get('Image', '')}")
    if container.get("Args"):
        lines.append(f" Args:\t\t{' '.join(container['Args'])}")
    if container.get("Command"):
        lines.append(f" Command:\t{' '.join(container['Command'])}")
    if container.get("Env"):
        lines.append(" Env:\t\t" + " ".join(container["Env"]))
    lines.append(f" Init:\t\t{str(container.get('Init', False)).lower()}")
    for mount in container.get("Mounts", []) or []:
        lines.append("Mounts:")
        lines.append(f" Target:\t{mount.get('Target', '')}")
        lines.append(f"  Source:\t{mount.get('Source', '')}")
        lines.append(f"  ReadOnly:\t{str(mount.get('ReadOnly', False)).lower()}")
        lines.append(f"  Type:\t\t{mount.get('Type', '')}")
    resources = json_get(spec, "TaskTemplate", "Resources", default={})
    for title, key in (("Reservations", "Reservations"), ("Limits", "Limits")):
        res = resources.get(key) or {}
        if res:
            _section(
                lines,
                f"Resources {title}",
                [
                    ("CPU", res.get("NanoCPUs", 0) / 1e9 if res.get("NanoCPUs") else None),
                    ("Memory", res.get("MemoryBytes")),
                ],
                0,
            )
    lines.append(f"Endpoint Mode:\t{json_get(spec, 'EndpointSpec', 'Mode', default='vip')}")
    ports = json_get(data, "Endpoint", "Ports", default=[])
    if ports:
        lines.append("Ports:")
        for port in ports:
            lines.append(
                f" PublishedPort = {port.get('PublishedPort')}\n"
                f"  Protocol = {port.get('Protocol')}\n"
                f"  TargetPort = {port.get('TargetPort')}\n"
                f"  PublishMode = {port.get('PublishMode')}"
            )
    return "\n".join(lines)


def node_pretty(data: dict[str, Any]) -> str:
    desc = json_get(data, "Description", default={})
    lines = [
        f"ID:\t\t\t{data.get('ID', '')}",
        f"Hostname:\t\t{desc.get('Hostname', '')}",
        f"Joined at:\t\t{data.get('CreatedAt', '')}",
        "Status:",
        f" State:\t\t\t{json_get(data, 'Status', 'State', default='')}",
        f" Availability:\t\t{json_get(data, 'Spec', 'Availability', default='')}",
        f" Address:\t\t{json_get(data, 'Status', 'Addr', default='')}",
    ]
    manager = data.get("ManagerStatus")
    if manager:
        lines.append("Manager Status:")
        lines.append(f" Address:\t\t{manager.get('Addr', '')}")
        lines.append(f" Raft Status:\t\t{manager.get('Reachability', '')}")
        lines.append(f" Leader:\t\t{'Yes' if manager.get('Leader') else 'No'}")
    labels = json_get(data, "Spec", "Labels", default={})
    if labels:
        _labels(lines, labels)
    platform = desc.get("Platform", {})
    lines.append("Platform:")
    lines.append(f" Operating System:\t{platform.get('OS', '')}")
    lines.append(f" Architecture:\t\t{platform.get('Architecture', '')}")
    resources = desc.get("Resources", {})
    lines.append("Resources:")
    lines.append(f" CPUs:\t\t\t{resources.get('NanoCPUs', 0) // 1_000_000_000}")
    memory = resources.get("MemoryBytes", 0)
    lines.append(f" Memory:\t\t{memory / 2**30:.4g}GiB")
    lines.append(f"Engine Version:\t\t{json_get(desc, 'Engine', 'EngineVersion', default='')}")
    return "\n".join(lines)


def task_pretty(data: dict[str, Any]) -> str:
    status = json_get(data, "Status", default={})
    container = json_get(status, "ContainerStatus", default={})
    lines = [
        f"ID:\t\t{data.get('ID', '')}",
        f"Service ID:\t{data.get('ServiceID', '')}",
        f"Slot:\t\t{data.get('Slot', '')}",
        f"Node ID:\t{data.get('NodeID', '')}",
        f"Image:\t\t{json_get(data, 'Spec', 'ContainerSpec', 'Image', default='')}",
        f"Desired State:\t{data.get('DesiredState', '')}",
        "Status:",
        f" State:\t\t{status.get('State', '')}",
        f" Since:\t\t{status.get('Timestamp', '')}",
        f" Message:\t{status.get('Message', '')}",
    ]
    if status.get("Err"):
        lines.append(f" Error:\t\t{status['Err']}")
    if container:
        lines.append(f" Container:\t{container.get('ContainerID', '')[:12]}")
        lines.append(f" PID:\t\t{container.get('PID', '')}")
        lines.append(f" Exit code:\t{container.get('ExitCode', '')}")
    for attachment in data.get("NetworksAttachments", []) or []:
        name = json_get(attachment, "Network", "Spec", "Name", default="")
        addresses = ", ".join(attachment.get("Addresses", []) or [])
        lines.append(f"Network:\t{name} {addresses}")
    return "\n".join(lines)
