"""One compose service as the engine's ServiceSpec, field for field what `docker stack deploy`
sends (Go's `omitempty` included, so the engine stores the same spec for both)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from swarmtui.stacks.go_json import omit_empty
from swarmtui.stacks.key_problem import KeyProblem
from swarmtui.stacks.mounts import service_mounts
from swarmtui.stacks.naming import (
    DEFAULT_NETWORK,
    IMAGE_LABEL,
    NAMESPACE_LABEL,
    is_user_defined_network,
    scope,
)
from swarmtui.stacks.ports import PortConfig
from swarmtui.stacks.values import ValueProblem, parse_cpus, parse_duration, parse_size

Spec = dict[str, Any]
RESTART_CONDITIONS = ("none", "on-failure", "any")
MODES = ("replicated", "global", "replicated-job", "global-job")


def service_spec(
    stack: str,
    name: str,
    service: Mapping[str, Any],
    declared_networks: Mapping[str, Any],
    declared_volumes: Mapping[str, Any],
    declared_secrets: Mapping[str, Any],
    declared_configs: Mapping[str, Any],
) -> Spec:
    where = f"services.{name}"
    deploy = service.get("deploy") or {}
    mounts = service_mounts(
        service.get("volumes") or [], declared_volumes, stack, f"{where}.volumes"
    )
    try:
        container = _container_spec(
            stack, name, service, mounts, declared_secrets, declared_configs, where
        )
        template: Spec = {"ContainerSpec": container}
        template["Resources"] = _resources(deploy.get("resources") or {}, f"{where}.deploy")
        restart = _restart_policy(service, deploy, where)
        if restart is not None:
            template["RestartPolicy"] = restart
        template["Placement"] = _placement(deploy.get("placement") or {})
        template["Networks"] = _networks(stack, name, service, declared_networks, where)
        if service.get("logging") is not None:
            logging = service["logging"]
            template["LogDriver"] = omit_empty(
                {"Name": logging.get("driver", ""), "Options": logging.get("options")}
            )
        template["ForceUpdate"] = 0
        spec: Spec = {
            "Name": scope(stack, name),
            "Labels": {
                **(deploy.get("labels") or {}),
                NAMESPACE_LABEL: stack,
                IMAGE_LABEL: service.get("image", ""),
            },
            "TaskTemplate": template,
            "Mode": _mode(deploy, f"{where}.deploy"),
        }
        if deploy.get("update_config") is not None:
            spec["UpdateConfig"] = _update_config(deploy["update_config"])
        if deploy.get("rollback_config") is not None:
            spec["RollbackConfig"] = _update_config(deploy["rollback_config"])
        spec["EndpointSpec"] = _endpoint(deploy, service.get("ports") or [], f"{where}.deploy")
    except ValueProblem as exc:  # the schema checked shapes; a few values are read only here
        raise KeyProblem(where, str(exc)) from None
    return spec


def _container_spec(
    stack: str,
    name: str,
    service: Mapping[str, Any],
    mounts: list[Spec],
    declared_secrets: Mapping[str, Any],
    declared_configs: Mapping[str, Any],
    where: str,
) -> Spec:
    add, drop = effective_capabilities(service.get("cap_add") or [], service.get("cap_drop") or [])
    container: Spec = {
        "Image": service.get("image", ""),
        "Labels": {**(service.get("labels") or {}), NAMESPACE_LABEL: stack},
        "Command": service.get("entrypoint"),
        "Args": service.get("command"),
        "Hostname": service.get("hostname"),
        "Env": sorted(
            key if value is None else f"{key}={value}"
            for key, value in (service.get("environment") or {}).items()
        ),
        "Dir": service.get("working_dir"),
        "User": service.get("user"),
        "Privileges": {"CredentialSpec": None, "SELinuxContext": None},
        "Init": service.get("init"),
        "StopSignal": service.get("stop_signal"),
        "TTY": service.get("tty"),
        "OpenStdin": service.get("stdin_open"),
        "ReadOnly": service.get("read_only"),
        "Mounts": mounts,
        "Hosts": [
            f"{address} {host}"
            for host, _, address in (h.partition(":") for h in service.get("extra_hosts") or [])
        ],
        "Secrets": _file_references(
            stack, service.get("secrets") or [], declared_secrets, "secret", f"{where}.secrets"
        ),
        "Configs": _file_references(
            stack, service.get("configs") or [], declared_configs, "config", f"{where}.configs"
        ),
        "Isolation": service.get("isolation"),
        "Sysctls": service.get("sysctls"),
        "CapabilityAdd": add,
        "CapabilityDrop": drop,
        "Ulimits": _ulimits(service.get("ulimits") or {}),
        "OomScoreAdj": service.get("oom_score_adj"),
    }
    if service.get("stop_grace_period") is not None:
        container["StopGracePeriod"] = parse_duration(service["stop_grace_period"])
    if service.get("healthcheck") is not None:
        container["Healthcheck"] = _healthcheck(service["healthcheck"], f"{where}.healthcheck")
    if service.get("dns") or service.get("dns_search"):
        container["DNSConfig"] = omit_empty(
            {"Nameservers": service.get("dns"), "Search": service.get("dns_search")}
        )
    kept = omit_empty(container)
    for pointer in ("Init", "StopGracePeriod"):  # pointers in Go: false and 0 are sent too
        if container.get(pointer) is not None:
            kept[pointer] = container[pointer]
    return kept


def _file_references(
    stack: str,
    references: list[Mapping[str, Any]],
    declared: Mapping[str, Any],
    kind: str,
    where: str,
) -> list[Spec]:
    result = []
    for i, reference in enumerate(references):
        source = str(reference.get("source", ""))
        if source not in declared:
            raise KeyProblem(
                f"{where}.{i}", f"undefined {kind} {source!r} (declare it under {kind}s:)"
            )
        entry = declared[source] or {}
        name = entry.get("name") or scope(stack, source)
        mode = reference.get("mode")
        result.append(
            {
                "File": {
                    "Name": reference.get("target") or source,
                    "UID": reference.get("uid") or "0",
                    "GID": reference.get("gid") or "0",
                    "Mode": 0o444 if mode is None else int(mode),
                },
                f"{kind.capitalize()}Name": name,
            }
        )
    return sorted(result, key=lambda ref: ref[f"{kind.capitalize()}Name"])


def _healthcheck(check: Mapping[str, Any], where: str) -> Spec:
    if check.get("disable"):
        if check.get("test"):
            raise KeyProblem(where, "test and disable cannot both be set")
        return {"Test": ["NONE"]}
    spec: Spec = {"Test": check.get("test")}
    for key, field in (
        ("interval", "Interval"),
        ("timeout", "Timeout"),
        ("start_period", "StartPeriod"),
        ("start_interval", "StartInterval"),
    ):
        if check.get(key) is not None:
            spec[field] = parse_duration(check[key])
    if check.get("retries") is not None:
        spec["Retries"] = int(check["retries"])
    return omit_empty(spec)


def _resources(resources: Mapping[str, Any], where: str) -> Spec:
    spec: Spec = {}
    limits = resources.get("limits")
    if limits is not None:
        spec["Limits"] = omit_empty(
            {
                "NanoCPUs": parse_cpus(limits["cpus"]) if limits.get("cpus") else 0,
                "MemoryBytes": parse_size(limits["memory"]) if limits.get("memory") else 0,
                "Pids": limits.get("pids", 0),
            }
        )
    reservations = resources.get("reservations")
    if reservations is not None:
        generic = [
            {
                "DiscreteResourceSpec": {
                    "Kind": entry["discrete_resource_spec"].get("kind", ""),
                    "Value": int(entry["discrete_resource_spec"].get("value", 0)),
                }
            }
            for entry in reservations.get("generic_resources") or []
            if entry.get("discrete_resource_spec") is not None
        ]
        spec["Reservations"] = omit_empty(
            {
                "NanoCPUs": parse_cpus(reservations["cpus"]) if reservations.get("cpus") else 0,
                "MemoryBytes": parse_size(reservations["memory"])
                if reservations.get("memory")
                else 0,
                "GenericResources": generic,
            }
        )
    return spec


def _restart_policy(
    service: Mapping[str, Any], deploy: Mapping[str, Any], where: str
) -> Spec | None:
    policy = deploy.get("restart_policy")
    if policy is not None:
        condition = policy.get("condition", "")
        if condition and condition not in RESTART_CONDITIONS:
            raise KeyProblem(
                f"{where}.deploy.restart_policy.condition",
                f"{condition!r} is not a restart condition: {', '.join(RESTART_CONDITIONS)}",
            )
        spec: Spec = {"Condition": condition}
        if policy.get("delay") is not None:
            spec["Delay"] = parse_duration(policy["delay"])
        if policy.get("max_attempts") is not None:
            spec["MaxAttempts"] = policy["max_attempts"]
        if policy.get("window") is not None:
            spec["Window"] = parse_duration(policy["window"])
        return {k: v for k, v in spec.items() if v != ""}
    restart = str(service.get("restart") or "")
    name, _, count = restart.partition(":")
    attempts = int(count) if count.isdigit() and int(count) > 0 else None
    if name in ("", "no"):
        return None
    if name in ("always", "unless-stopped"):
        return omit_empty({"Condition": "any", "MaxAttempts": attempts})
    if name == "on-failure":
        return omit_empty({"Condition": "on-failure", "MaxAttempts": attempts})
    raise KeyProblem(
        f"{where}.restart",
        f"{restart!r} is not a restart policy: no, always, on-failure, unless-stopped",
    )


def _placement(placement: Mapping[str, Any]) -> Spec:
    return omit_empty(
        {
            "Constraints": placement.get("constraints"),
            "Preferences": [
                {"Spread": {"SpreadDescriptor": p.get("spread", "")}}
                for p in placement.get("preferences") or []
            ],
            "MaxReplicas": placement.get("max_replicas_per_node"),
        }
    )


def _networks(
    stack: str, name: str, service: Mapping[str, Any], declared: Mapping[str, Any], where: str
) -> list[Spec]:
    attached = service.get("networks") or {DEFAULT_NETWORK: None}
    result = []
    for network, config in attached.items():
        if network not in declared and network != DEFAULT_NETWORK:
            raise KeyProblem(
                f"{where}.networks.{network}",
                f"undefined network {network!r} (declare it under networks:)",
            )
        target = (declared.get(network) or {}).get("name") or scope(stack, network)
        aliases = list((config or {}).get("aliases") or [])
        if is_user_defined_network(target):
            aliases.append(name)
        result.append(
            omit_empty(
                {
                    "Target": target,
                    "Aliases": aliases,
                    "DriverOpts": (config or {}).get("driver_opts"),
                }
            )
        )
    return sorted(result, key=lambda n: n["Target"])


def _mode(deploy: Mapping[str, Any], where: str) -> Spec:
    mode = deploy.get("mode") or "replicated"
    replicas = deploy.get("replicas")
    if mode not in MODES:
        raise KeyProblem(f"{where}.mode", f"{mode!r} is not a mode: {', '.join(MODES)}")
    if mode in ("global", "global-job"):
        if replicas is not None:
            raise KeyProblem(
                f"{where}.replicas",
                "replicas can only be used with replicated or replicated-job mode",
            )
        return {"Global": {}} if mode == "global" else {"GlobalJob": {}}
    if replicas is not None and replicas < 0:
        raise KeyProblem(f"{where}.replicas", f"{replicas} is not a number of replicas")
    if mode == "replicated-job":
        job: Spec = {}
        if replicas is not None:
            job = {"MaxConcurrent": replicas, "TotalCompletions": replicas}
        return {"ReplicatedJob": job}
    return {"Replicated": {} if replicas is None else {"Replicas": replicas}}


def _update_config(config: Mapping[str, Any]) -> Spec:
    spec: Spec = {"Parallelism": config.get("parallelism", 1)}
    if config.get("delay") is not None:
        spec["Delay"] = parse_duration(config["delay"])
    if config.get("failure_action"):
        spec["FailureAction"] = config["failure_action"]
    if config.get("monitor") is not None:
        spec["Monitor"] = parse_duration(config["monitor"])
    spec["MaxFailureRatio"] = config.get("max_failure_ratio", 0)
    if config.get("order"):
        spec["Order"] = config["order"]
    return {k: v for k, v in spec.items() if v != 0 or k in ("Parallelism", "MaxFailureRatio")}


def _endpoint(deploy: Mapping[str, Any], ports: list[PortConfig], where: str) -> Spec:
    mode = str(deploy.get("endpoint_mode") or "").lower()
    if mode and mode not in ("vip", "dnsrr"):
        raise KeyProblem(
            f"{where}.endpoint_mode", f"{mode!r} is not an endpoint mode: vip or dnsrr"
        )
    ordered = sorted(ports, key=lambda p: (p.published or 0, p.target, p.protocol, p.mode))
    return omit_empty({"Mode": mode, "Ports": [port.engine_spec() for port in ordered]})


def _ulimits(ulimits: Mapping[str, Mapping[str, int]]) -> list[Spec]:
    result = []
    for name in sorted(ulimits):
        limit = ulimits[name]
        soft, hard = limit.get("soft", 0), limit.get("hard", 0)
        if limit.get("single"):
            soft = hard = limit["single"]
        result.append({"Name": name, "Soft": soft, "Hard": hard})
    return result


def effective_capabilities(add: list[str], drop: list[str]) -> tuple[list[str], list[str]]:
    """cap_add and cap_drop as the CLI normalises them: upper case with a CAP_ prefix (except
    ALL and RESET), ALL alone when present, a capability both added and dropped only added,
    RESET left out, each sorted."""
    adds, drops = _capabilities(add), _capabilities(drop)
    if "ALL" in adds:
        adds = {"ALL"}
    if "ALL" in drops:
        drops = {"ALL"}
    return sorted(adds - {"RESET"}), sorted(drops - adds - {"RESET"})


def _capabilities(names: list[str]) -> set[str]:
    result = set()
    for name in names:
        upper = name.strip().upper()
        result.add(
            upper if upper in ("ALL", "RESET") or upper.startswith("CAP_") else "CAP_" + upper
        )
    return result
