"""One live service's spec as a compose service: the inverse of service_spec.py.

Values the engine fills in when a spec leaves them out (a 10 s stop grace period, the
default restart, update and rollback policies, the vip endpoint mode, the default isolation)
are left out again, so the file says what was chosen; a deploy of it gets them back. What a
stack file cannot say is named in a warning instead of being dropped in silence.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from swarmtui.stacks.export_objects import labels_without_stack
from swarmtui.stacks.naming import IMAGE_LABEL, NAMESPACE_LABEL, is_user_defined_network
from swarmtui.stacks.values import cpus_text, go_duration, size_text

Spec = dict[str, Any]
SECOND = 1_000_000_000
# What the engine stores when a spec leaves the field out (swarmkit's defaults).
DEFAULT_STOP_GRACE_PERIOD = 10 * SECOND
DEFAULT_RESTART = {"Condition": "any", "Delay": 5 * SECOND, "MaxAttempts": 0}  # no Window
DEFAULT_UPDATE = {
    "Parallelism": 1,
    "Delay": 0,
    "FailureAction": "pause",
    "Monitor": 5 * SECOND,
    "MaxFailureRatio": 0,
    "Order": "stop-first",
}
DEFAULT_FILE_MODE = 0o444


class FileMode(int):
    """A file's permission bits, written in octal (`0440`) in the exported file."""


@dataclass(frozen=True)
class Keys:
    """The file's keys for what a service refers to, by swarm name (networks also by id)."""

    networks: Callable[[str], tuple[str, str]]  # target -> (key, network name)
    volumes: Mapping[str, str]
    secrets: Mapping[str, str]
    configs: Mapping[str, str]


_HANDLED = {
    "spec": {"Name", "Labels", "TaskTemplate", "Mode", "UpdateConfig", "RollbackConfig"}
    | {"EndpointSpec"},
    "template": {"ContainerSpec", "Resources", "RestartPolicy", "Placement", "Networks"}
    | {"LogDriver", "ForceUpdate", "Runtime"},
    "container": {"Image", "Labels", "Command", "Args", "Hostname", "Env", "Dir", "User"}
    | {"Privileges", "Init", "StopSignal", "TTY", "OpenStdin", "ReadOnly", "Mounts", "Hosts"}
    | {"Secrets", "Configs", "Isolation", "Sysctls", "CapabilityAdd", "CapabilityDrop"}
    | {"Ulimits", "OomScoreAdj", "StopGracePeriod", "Healthcheck", "DNSConfig"},
    "mount": {"Type", "Source", "Target", "ReadOnly", "Consistency", "BindOptions"}
    | {"VolumeOptions", "TmpfsOptions"},
}
MOUNT_TYPES = ("volume", "bind", "tmpfs")


def compose_service(key: str, spec: Spec, keys: Keys, warn: list[str]) -> Spec:
    """SPEC (a ServiceSpec as the engine stores it) as the compose service KEY."""
    template = spec.get("TaskTemplate") or {}
    container = template.get("ContainerSpec") or {}

    def note(message: str) -> None:
        warn.append(f"service {key}: {message}")

    _unhandled(spec, _HANDLED["spec"], "", note)
    _unhandled(template, _HANDLED["template"], "TaskTemplate.", note)
    _unhandled(container, _HANDLED["container"], "ContainerSpec.", note)
    labels = spec.get("Labels") or {}
    service: Spec = {"image": labels.get(IMAGE_LABEL) or container.get("Image", "")}
    for field_name, compose_key in (("Args", "command"), ("Command", "entrypoint")):
        if container.get(field_name):
            service[compose_key] = _command(container[field_name])
    if container.get("Env"):
        service["environment"] = list(container["Env"])
    ports = (spec.get("EndpointSpec") or {}).get("Ports") or []
    if ports:
        service["ports"] = [_port(port) for port in ports]
    volumes = [_volume(mount, keys.volumes, note) for mount in container.get("Mounts") or []]
    if any(volume is not None for volume in volumes):
        service["volumes"] = [volume for volume in volumes if volume is not None]
    networks = _networks(key, template.get("Networks") or [], keys)
    if networks:
        service["networks"] = networks
    for kind, keyed in (("secret", keys.secrets), ("config", keys.configs)):
        references = [
            _file_reference(kind, reference, keyed, note)
            for reference in container.get(f"{kind.capitalize()}s") or []
        ]
        if any(r is not None for r in references):
            service[f"{kind}s"] = [r for r in references if r is not None]
    deploy = _deploy(spec, template, note)
    if deploy:
        service["deploy"] = deploy
    service.update(_container_details(container, note))
    if template.get("LogDriver") is not None:
        log_driver = template["LogDriver"]
        service["logging"] = {
            **({"driver": log_driver["Name"]} if log_driver.get("Name") else {}),
            **({"options": log_driver["Options"]} if log_driver.get("Options") else {}),
        }
    return service


def _unhandled(spec: Spec, handled: set[str], prefix: str, note: Callable[[str], None]) -> None:
    for name in sorted(set(spec) - handled):
        if spec[name] not in (None, "", 0, False, {}, []):
            note(f"{prefix}{name} cannot be written in a stack file; left out")


def _command(words: list[str]) -> str | list[str]:
    """WORDS as one string when every word is plain (it splits back the same), else a list."""
    joined = " ".join(words)
    return joined if words and shlex.join(words) == joined else list(words)


def _port(port: Spec) -> Spec:
    entry: Spec = {"target": port.get("TargetPort")}
    if port.get("PublishedPort"):
        entry["published"] = port["PublishedPort"]
    if port.get("Protocol") not in (None, "", "tcp"):
        entry["protocol"] = port["Protocol"]
    if port.get("PublishMode") not in (None, "", "ingress"):
        entry["mode"] = port["PublishMode"]
    return entry


def _volume(mount: Spec, volume_keys: Mapping[str, str], note: Callable[[str], None]) -> Any:
    kind = mount.get("Type") or "volume"
    if kind not in MOUNT_TYPES:
        note(f"a mount of type {kind} cannot be written in a stack file; left out")
        return None
    _unhandled(mount, _HANDLED["mount"], f"mount {mount.get('Target')}: ", note)
    source = mount.get("Source") or ""
    if kind == "volume" and source:
        source = volume_keys[source]
    bind_options = dict(mount.get("BindOptions") or {})
    volume_options = dict(mount.get("VolumeOptions") or {})
    tmpfs_options = dict(mount.get("TmpfsOptions") or {})
    for where, options, known in (
        ("BindOptions", bind_options, {"Propagation"}),
        ("VolumeOptions", volume_options, {"NoCopy", "Labels", "DriverConfig"}),
        ("TmpfsOptions", tmpfs_options, {"SizeBytes"}),
    ):
        _unhandled(options, known, f"mount {mount.get('Target')}: {where}.", note)
    short = _short_volume(mount, kind, source)
    if short is not None:
        return short
    entry: Spec = {"type": kind}
    if source:
        entry["source"] = source
    entry["target"] = mount.get("Target")
    if mount.get("ReadOnly"):
        entry["read_only"] = True
    if mount.get("Consistency"):
        entry["consistency"] = mount["Consistency"]
    if "BindOptions" in mount:
        propagation = bind_options.get("Propagation")
        entry["bind"] = {"propagation": propagation} if propagation else {}
    if volume_options.get("NoCopy"):
        entry["volume"] = {"nocopy": True}
    if "TmpfsOptions" in mount:
        size = tmpfs_options.get("SizeBytes")
        entry["tmpfs"] = {"size": size} if size else {}
    return entry


def _short_volume(mount: Spec, kind: str, source: str) -> str | None:
    """`SOURCE:TARGET[:OPTIONS]` (or a bare target) when it says all of MOUNT."""
    target = str(mount.get("Target") or "")
    plain = target and ":" not in target and ":" not in source and not mount.get("Consistency")
    if not plain or "TmpfsOptions" in mount or kind == "tmpfs":
        return None
    options = ["ro"] if mount.get("ReadOnly") else []
    if kind == "volume" and not source:
        return target if not options and not mount.get("VolumeOptions") else None
    if kind == "volume":
        if (mount.get("VolumeOptions") or {}).get("NoCopy"):
            options.append("nocopy")
    elif kind == "bind" and source.startswith("/"):
        if "BindOptions" in mount:
            propagation = (mount["BindOptions"] or {}).get("Propagation")
            if not propagation:
                return None
            options.append(propagation)
    else:
        return None
    return ":".join([source, target, *([",".join(options)] if options else [])])


def _networks(key: str, attached: list[Spec], keys: Keys) -> Any:
    """The service's networks: a list of keys, or a mapping when some have aliases or
    driver options; nothing for the default network alone."""
    entries: dict[str, Spec | None] = {}
    for network in attached:
        network_key, name = keys.networks(str(network.get("Target", "")))
        aliases = list(network.get("Aliases") or [])
        if is_user_defined_network(name) and key in aliases:
            del aliases[len(aliases) - 1 - aliases[::-1].index(key)]  # the one a deploy adds
        config: Spec = {}
        if aliases:
            config["aliases"] = aliases
        if network.get("DriverOpts"):
            config["driver_opts"] = network["DriverOpts"]
        entries[network_key] = config or None
    if list(entries) == ["default"] and entries["default"] is None:
        return None
    if all(config is None for config in entries.values()):
        return list(entries)
    return entries


def _file_reference(
    kind: str, reference: Spec, keyed: Mapping[str, str], note: Callable[[str], None]
) -> Any:
    name = reference.get(f"{kind.capitalize()}Name", "")
    file = reference.get("File")
    if file is None:
        note(f"{kind} {name} is not used as a file (a runtime {kind}); left out")
        return None
    source = keyed[name]
    entry: Spec = {"source": source}
    if file.get("Name") and file["Name"] != source:
        entry["target"] = file["Name"]
    for field_name, compose_key in (("UID", "uid"), ("GID", "gid")):
        if file.get(field_name) not in (None, "", "0"):
            entry[compose_key] = file[field_name]
    if file.get("Mode") is not None and file["Mode"] != DEFAULT_FILE_MODE:
        entry["mode"] = FileMode(file["Mode"])
    return source if list(entry) == ["source"] else entry


def _deploy(spec: Spec, template: Spec, note: Callable[[str], None]) -> Spec:
    deploy: Spec = _mode(spec.get("Mode") or {}, note)
    endpoint_mode = (spec.get("EndpointSpec") or {}).get("Mode")
    if endpoint_mode not in (None, "", "vip"):
        deploy["endpoint_mode"] = endpoint_mode
    labels = {
        k: v
        for k, v in (spec.get("Labels") or {}).items()
        if k not in (NAMESPACE_LABEL, IMAGE_LABEL)
    }
    if labels:
        deploy["labels"] = labels
    placement = _placement(template.get("Placement") or {}, note)
    if placement:
        deploy["placement"] = placement
    if template.get("Resources"):
        deploy["resources"] = _resources(template["Resources"], note)
    restart = _restart_policy(template.get("RestartPolicy") or {})
    if restart:
        deploy["restart_policy"] = restart
    for field_name, compose_key in (
        ("UpdateConfig", "update_config"),
        ("RollbackConfig", "rollback_config"),
    ):
        config = _update_config(spec.get(field_name) or {})
        if config:
            deploy[compose_key] = config
    return deploy


def _mode(mode: Spec, note: Callable[[str], None]) -> Spec:
    if "Global" in mode:
        return {"mode": "global"}
    if "GlobalJob" in mode:
        return {"mode": "global-job"}
    if "ReplicatedJob" in mode:
        job = mode["ReplicatedJob"] or {}
        total, concurrent = job.get("TotalCompletions"), job.get("MaxConcurrent")
        if total is None and concurrent is None:
            return {"mode": "replicated-job"}
        if total != concurrent and total is not None and concurrent is not None:
            note(
                f"a job of {total} completions, {concurrent} at a time: a stack file sets both "
                f"with replicas ({total})"
            )
        return {"mode": "replicated-job", "replicas": total if total is not None else concurrent}
    replicas = (mode.get("Replicated") or {}).get("Replicas")
    return {} if replicas is None else {"replicas": replicas}


def _placement(placement: Spec, note: Callable[[str], None]) -> Spec:
    result: Spec = {}
    if placement.get("Constraints"):
        result["constraints"] = list(placement["Constraints"])
    preferences = placement.get("Preferences") or []
    if preferences:
        spreads = [p.get("Spread") for p in preferences]
        if any(spread is None for spread in spreads):
            note("placement preferences other than spread cannot be written in a stack file")
        result["preferences"] = [
            {"spread": spread.get("SpreadDescriptor", "")} for spread in spreads if spread
        ]
    if placement.get("MaxReplicas"):
        result["max_replicas_per_node"] = placement["MaxReplicas"]
    return result  # Platforms come from the image's manifest when a deploy pins it


def _resources(resources: Spec, note: Callable[[str], None]) -> Spec:
    result: Spec = {}
    if "Limits" in resources:
        limits = resources["Limits"] or {}
        result["limits"] = _amounts(limits)
        if limits.get("Pids"):
            result["limits"]["pids"] = limits["Pids"]
    if "Reservations" in resources:
        reservations = resources["Reservations"] or {}
        result["reservations"] = _amounts(reservations)
        generic = []
        for entry in reservations.get("GenericResources") or []:
            discrete = entry.get("DiscreteResourceSpec")
            if discrete is None:
                note("named generic resources cannot be written in a stack file; left out")
                continue
            generic.append(
                {
                    "discrete_resource_spec": {
                        "kind": discrete.get("Kind"),
                        "value": discrete.get("Value"),
                    }
                }
            )
        if generic:
            result["reservations"]["generic_resources"] = generic
    return result


def _amounts(amounts: Spec) -> Spec:
    result: Spec = {}
    if amounts.get("NanoCPUs"):
        result["cpus"] = cpus_text(amounts["NanoCPUs"])
    if amounts.get("MemoryBytes"):
        result["memory"] = size_text(amounts["MemoryBytes"])
    return result


def _restart_policy(policy: Spec) -> Spec:
    result: Spec = {}
    if policy.get("Condition", "") not in ("", DEFAULT_RESTART["Condition"]):
        result["condition"] = policy["Condition"]
    if policy.get("Delay") is not None and policy["Delay"] != DEFAULT_RESTART["Delay"]:
        result["delay"] = go_duration(policy["Delay"])
    if policy.get("Window") is not None:
        result["window"] = go_duration(policy["Window"])
    if policy.get("MaxAttempts"):
        result["max_attempts"] = policy["MaxAttempts"]
    return result


def _update_config(config: Spec) -> Spec:
    result: Spec = {}
    if (
        config.get("Parallelism") is not None
        and config["Parallelism"] != DEFAULT_UPDATE["Parallelism"]
    ):
        result["parallelism"] = config["Parallelism"]
    for field_name, compose_key in (("Delay", "delay"), ("Monitor", "monitor")):
        if config.get(field_name) is not None and config[field_name] != DEFAULT_UPDATE[field_name]:
            result[compose_key] = go_duration(config[field_name])
    if config.get("FailureAction") not in (None, "", DEFAULT_UPDATE["FailureAction"]):
        result["failure_action"] = config["FailureAction"]
    if config.get("MaxFailureRatio"):
        result["max_failure_ratio"] = config["MaxFailureRatio"]
    if config.get("Order") not in (None, "", DEFAULT_UPDATE["Order"]):
        result["order"] = config["Order"]
    return result


def _container_details(container: Spec, note: Callable[[str], None]) -> Spec:
    details: Spec = {}
    for field_name, compose_key in (
        ("Hostname", "hostname"),
        ("User", "user"),
        ("Dir", "working_dir"),
    ):
        if container.get(field_name):
            details[compose_key] = container[field_name]
    if container.get("Init") is not None:
        details["init"] = container["Init"]
    for field_name, compose_key in (
        ("ReadOnly", "read_only"),
        ("TTY", "tty"),
        ("OpenStdin", "stdin_open"),
    ):
        if container.get(field_name):
            details[compose_key] = True
    labels = labels_without_stack(container.get("Labels"))
    if labels:
        details["labels"] = labels
    hosts = _extra_hosts(container.get("Hosts") or [], note)
    if hosts:
        details["extra_hosts"] = hosts
    dns = container.get("DNSConfig") or {}
    for field_name, compose_key in (("Nameservers", "dns"), ("Search", "dns_search")):
        if dns.get(field_name):
            details[compose_key] = list(dns[field_name])
    if dns.get("Options"):
        note("DNS options cannot be written in a stack file; left out")
    for field_name, compose_key in (("CapabilityAdd", "cap_add"), ("CapabilityDrop", "cap_drop")):
        if container.get(field_name):
            details[compose_key] = list(container[field_name])
    if container.get("Sysctls"):
        details["sysctls"] = dict(container["Sysctls"])
    if container.get("Ulimits"):
        details["ulimits"] = {
            u["Name"]: u.get("Soft", 0)
            if u.get("Soft", 0) == u.get("Hard", 0)
            else {"soft": u.get("Soft", 0), "hard": u.get("Hard", 0)}
            for u in container["Ulimits"]
        }
    if container.get("Healthcheck") is not None:
        details["healthcheck"] = _healthcheck(container["Healthcheck"])
    if container.get("StopSignal"):
        details["stop_signal"] = container["StopSignal"]
    grace = container.get("StopGracePeriod")
    if grace is not None and grace != DEFAULT_STOP_GRACE_PERIOD:
        details["stop_grace_period"] = go_duration(grace)
    if container.get("Isolation") not in (None, "", "default"):
        details["isolation"] = container["Isolation"]
    if container.get("OomScoreAdj"):
        details["oom_score_adj"] = container["OomScoreAdj"]
    privileges = container.get("Privileges") or {}
    for name in sorted(k for k, v in privileges.items() if v not in (None, False, {}, [])):
        note(f"ContainerSpec.Privileges.{name} cannot be written in a stack file; left out")
    return details


def _extra_hosts(hosts: list[str], note: Callable[[str], None]) -> list[str]:
    """The engine's `IP NAME...` lines as `NAME:IP`."""
    result = []
    for line in hosts:
        address, *names = line.split()
        if len(names) > 1:
            note(f"host line {line!r} becomes one entry per name")
        result += [f"{name}:{address}" for name in names]
    return result


def _healthcheck(check: Spec) -> Spec:
    test = list(check.get("Test") or [])
    if test == ["NONE"]:
        return {"disable": True}
    result: Spec = {}
    if test:
        result["test"] = test[1] if test[0] == "CMD-SHELL" and len(test) == 2 else test
    for field_name, compose_key in (
        ("Interval", "interval"),
        ("Timeout", "timeout"),
        ("StartPeriod", "start_period"),
        ("StartInterval", "start_interval"),
    ):
        if check.get(field_name):
            result[compose_key] = go_duration(check[field_name])
    if check.get("Retries"):
        result["retries"] = check["Retries"]
    return result
