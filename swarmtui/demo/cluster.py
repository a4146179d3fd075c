"""A deterministic in-memory swarm, the tutorial's cluster, for snapshots and screenshots.

It is not a way to run the console against a cluster: every feature is tested against a real
swarm as well. Times are fixed so that rendered ages never change.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.mapping import node_from_json, service_from_json, task_from_json
from swarmtui.core.models import EngineInfo, Node, Service, SwarmEvent, Task, TaskScope
from swarmtui.demo.events import DemoEventHistory, demo_events
from swarmtui.demo.logs import DemoLogStream, demo_lines
from swarmtui.logs.log_target import LogKind
from swarmtui.ports import (
    NamedObjectKind,
    ObjectKind,
    ResolvedImage,
    StackObjectKind,
)

DEMO_NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
_CLUSTER_ID = "q8z3kd0ubv2n4xw9e7r1t5y6a"


def _ts(minutes_ago: float) -> str:
    return (DEMO_NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def demo_container_id(task_id: str) -> str:
    """The container of a running demo task: 64 hex digits made from its id."""
    return task_id.encode().hex()[:64].ljust(64, "0")


def _node(node_id: str, hostname: str, role: str, addr: str, leader: bool = False) -> Any:
    data: dict[str, Any] = {
        "ID": node_id,
        "Version": {"Index": 10},
        "CreatedAt": _ts(90),
        "UpdatedAt": _ts(5),
        "Spec": {"Role": role, "Availability": "active", "Labels": {}},
        "Description": {
            "Hostname": hostname,
            "Platform": {"Architecture": "x86_64", "OS": "linux"},
            "Resources": {"NanoCPUs": 2_000_000_000, "MemoryBytes": 25_769_803_776},
            "Engine": {"EngineVersion": "20.10.24+dfsg1"},
        },
        "Status": {"State": "ready", "Addr": addr},
    }
    if role == "manager":
        data["ManagerStatus"] = {"Leader": leader, "Reachability": "reachable", "Addr": addr}
    return data


def _service(
    service_id: str, name: str, replicas: int | None, running: int, args: list[str]
) -> Any:
    mode: dict[str, Any] = (
        {"Replicated": {"Replicas": replicas}} if replicas is not None else {"Global": {}}
    )
    desired = replicas if replicas is not None else 3
    return {
        "ID": service_id,
        "Version": {"Index": 40},
        "CreatedAt": _ts(30),
        "UpdatedAt": _ts(2),
        "Spec": {
            "Name": name,
            "Labels": {},
            "Mode": mode,
            "TaskTemplate": {
                "ContainerSpec": {"Image": "swarmtui-workload:1", "Args": args},
                "Placement": {},
            },
            "UpdateConfig": {"Parallelism": 1, "FailureAction": "pause", "Order": "stop-first"},
            "EndpointSpec": {"Mode": "vip"},
        },
        "Endpoint": {
            "Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080}]
            if name == "web"
            else []
        },
        "ServiceStatus": {"RunningTasks": running, "DesiredTasks": desired},
    }


def _task(
    task_id: str,
    service_id: str,
    slot: int,
    node_id: str,
    state: str,
    minutes: float,
    image: str = "swarmtui-workload:1",
) -> Any:
    desired = "running" if state in ("running", "pending") else "shutdown"
    status: dict[str, Any] = {"State": state, "Timestamp": _ts(minutes), "Message": state}
    if state == "failed":
        status["Err"] = "task: non-zero exit (1)"
        status["ContainerStatus"] = {"ExitCode": 1, "ContainerID": "c0ffee" * 10}
    elif state == "running":
        status["ContainerStatus"] = {"ContainerID": demo_container_id(task_id)}
    return {
        "ID": task_id,
        "ServiceID": service_id,
        "Slot": slot,
        "NodeID": node_id,
        "DesiredState": desired,
        "CreatedAt": _ts(minutes + 0.2),
        "Spec": {"ContainerSpec": {"Image": image}},
        "Status": status,
    }


NODES_JSON = [
    _node("m1n0de0000000000000000001", "manager1", "manager", "172.30.0.2", leader=True),
    _node("w1n0de0000000000000000002", "worker1", "worker", "172.30.0.3"),
    _node("w2n0de0000000000000000003", "worker2", "worker", "172.30.0.4"),
]
SERVICES_JSON = [
    _service("h3ll0w0rld000000000000001", "helloworld", 2, 2, ["ping", "127.0.0.1"]),
    _service("w3b000000000000000000002", "web", 3, 2, ["httpd", "-f", "-p", "80"]),
    _service("m0n1t0r000000000000000003", "monitor", None, 3, ["sleep", "100000"]),
]
TASKS_JSON = [
    _task(
        "01t4k5q8r2w4z00000000001",
        "h3ll0w0rld000000000000001",
        1,
        NODES_JSON[0]["ID"],
        "running",
        29,
    ),
    _task(
        "02t4k5q8r2w4z00000000002",
        "h3ll0w0rld000000000000001",
        2,
        NODES_JSON[1]["ID"],
        "running",
        3,
    ),
    _task(
        "03t4k5q8r2w4z00000000003", "h3ll0w0rld000000000000001", 2, NODES_JSON[2]["ID"], "failed", 4
    ),
    _task(
        "04t4k5q8r2w4z00000000004",
        "w3b000000000000000000002",
        1,
        NODES_JSON[1]["ID"],
        "running",
        20,
    ),
    _task(
        "05t4k5q8r2w4z00000000005",
        "w3b000000000000000000002",
        2,
        NODES_JSON[2]["ID"],
        "running",
        20,
    ),
    _task(
        "06t4k5q8r2w4z00000000006", "w3b000000000000000000002", 3, NODES_JSON[0]["ID"], "pending", 1
    ),
]


def _start_rollout(service: Any, old_image: str, tasks: list[Any]) -> None:
    """Stage SERVICE mid-way through an update from OLD_IMAGE (the rollout view's demo)."""
    previous = copy.deepcopy(service["Spec"])
    previous["TaskTemplate"]["ContainerSpec"]["Image"] = old_image
    service["PreviousSpec"] = previous
    service["UpdateStatus"] = {
        "State": "updating",
        "StartedAt": _ts(21),
        "Message": "update in progress",
    }
    TASKS_JSON.extend(tasks)


# Two stacks as `docker stack deploy` makes them: labelled services, their own overlay
# networks (targets are network ids), secrets and configs. helloworld, web and monitor stay
# outside any stack.
STACK_LABEL = "com.docker.stack.namespace"
_SHOP_FRONTEND = "sh0pfr0nt3nd0000000000001"
_SHOP_BACKEND = "sh0pb4ck3nd00000000000002"
_MONITORING_DEFAULT = "m0n1t0r1ngd3f4ult00000003"


def _stack_service(
    stack: str,
    service: Any,
    networks: list[str],
    secrets: tuple[str, ...] = (),
    configs: tuple[str, ...] = (),
) -> Any:
    spec = service["Spec"]
    spec["Labels"] = {STACK_LABEL: stack}
    template = spec["TaskTemplate"]
    template["Networks"] = [
        {"Target": network, "Aliases": [spec["Name"].removeprefix(f"{stack}_")]}
        for network in networks
    ]
    container = template["ContainerSpec"]
    container["Labels"] = {STACK_LABEL: stack}
    if secrets:
        container["Secrets"] = [
            {"SecretName": name, "SecretID": f"{name}-id", "File": {"Name": name}}
            for name in secrets
        ]
    if configs:
        container["Configs"] = [
            {"ConfigName": name, "ConfigID": f"{name}-id", "File": {"Name": f"/etc/{name}"}}
            for name in configs
        ]
    return service


_SHOP_WEB = "sh0pw3b00000000000000004"
_SHOP_DB = "sh0pdb000000000000000005"
_PROMETHEUS = "pr0m3th3us000000000000006"
_NODE_EXPORTER = "n0d33xp0rt3r000000000007"
_shop_web = _stack_service(
    "shop",
    _service(_SHOP_WEB, "shop_web", 2, 2, ["httpd", "-f", "-p", "80"]),
    [_SHOP_FRONTEND, _SHOP_BACKEND],
    configs=("shop_nginx_conf",),
)
_shop_web["Endpoint"]["Ports"] = [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8081}]
_prometheus = _stack_service(
    "monitoring",
    _service(_PROMETHEUS, "monitoring_prometheus", 1, 1, ["sleep", "100000"]),
    [_MONITORING_DEFAULT],
    configs=("monitoring_prometheus_yml",),
)
_prometheus["UpdateStatus"] = {"State": "completed", "StartedAt": _ts(50)}
_node_exporter = _stack_service(
    "monitoring",
    _service(_NODE_EXPORTER, "monitoring_node-exporter", None, 2, ["sleep", "100000"]),
    [_MONITORING_DEFAULT],
)
_node_exporter["UpdateStatus"] = {
    "State": "paused",
    "StartedAt": _ts(9),
    "Message": "update paused due to failure or early termination of task",
}
SERVICES_JSON += [
    _shop_web,
    _stack_service(
        "shop",
        _service(_SHOP_DB, "shop_db", 1, 1, ["sleep", "100000"]),
        [_SHOP_BACKEND],
        secrets=("shop_db_password",),
    ),
    _prometheus,
    _node_exporter,
]
_MANAGER1, _WORKER1, _WORKER2 = (node["ID"] for node in NODES_JSON)
TASKS_JSON += [
    _task("11t4k5q8r2w4z00000000011", _SHOP_WEB, 1, _WORKER1, "running", 25),
    _task("12t4k5q8r2w4z00000000012", _SHOP_WEB, 2, _WORKER2, "running", 25),
    _task("13t4k5q8r2w4z00000000013", _SHOP_DB, 1, _WORKER2, "running", 26),
    _task("14t4k5q8r2w4z00000000014", _PROMETHEUS, 1, _WORKER1, "running", 12),
    _task("15t4k5q8r2w4z00000000015", _NODE_EXPORTER, 0, _MANAGER1, "running", 8),
    _task("16t4k5q8r2w4z00000000016", _NODE_EXPORTER, 0, _WORKER1, "running", 8),
    _task("17t4k5q8r2w4z00000000017", _NODE_EXPORTER, 0, _WORKER2, "pending", 8),
]
# The paused update of node-exporter asked for more memory than worker2 has: its new task
# waits for the scheduler (what `w` explains in the demo).
TASKS_JSON[-1]["Status"]["Err"] = "no suitable node (insufficient resources on 1 node)"
TASKS_JSON[-1]["Spec"]["Resources"] = {"Reservations": {"MemoryBytes": 32 * 2**30}}

# web: slots 1 and 2 run the new image; slot 3's first new task failed, its retry is pending.
_WEB = "w3b000000000000000000002"
_OLD = "swarmtui-workload:0"
_start_rollout(
    SERVICES_JSON[1],
    _OLD,
    [
        _task("07t4k5q8r2w4z00000000007", _WEB, 1, NODES_JSON[1]["ID"], "shutdown", 20.5, _OLD),
        _task("08t4k5q8r2w4z00000000008", _WEB, 2, NODES_JSON[2]["ID"], "shutdown", 20.5, _OLD),
        _task("09t4k5q8r2w4z00000000009", _WEB, 3, NODES_JSON[0]["ID"], "shutdown", 4, _OLD),
        _task("10t4k5q8r2w4z00000000010", _WEB, 3, NODES_JSON[0]["ID"], "failed", 3),
    ],
)


class _QuietEvents:
    """An event stream on which nothing happens until it is closed."""

    def __init__(self) -> None:
        self._closed = threading.Event()

    def __iter__(self) -> Iterator[SwarmEvent]:
        self._closed.wait()
        return iter(())

    def close(self) -> None:
        self._closed.set()


DEMO_WORKER_TOKEN = (
    "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx"
)
DEMO_MANAGER_TOKEN = (
    "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-7p73s1dx5in4tatdymyhg9hu2"
)


class DemoMutator:
    """Records what the console asked for; the demo cluster itself never changes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self.retries = 0
        self.created: dict[tuple[str, str], str] = {}  # (kind, name) -> id

    def _record(self, name: str, *args: object) -> None:
        self.calls.append((name, args))

    def scale_service(self, service_id: str, replicas: int) -> None:
        self._record("scale_service", service_id, replicas)

    def update_service_image(self, service_id: str, image: str) -> None:
        self._record("update_service_image", service_id, image)

    def force_update_service(self, service_id: str) -> None:
        self._record("force_update_service", service_id)

    def rollback_service(self, service_id: str) -> None:
        self._record("rollback_service", service_id)

    def remove_service(self, service_id: str) -> None:
        self._record("remove_service", service_id)

    def create_service(self, spec: dict[str, Any]) -> str:
        self._record("create_service", spec)
        return "n3w5erv1ce00000000000001"

    def set_node_availability(self, node_id: str, availability: str) -> None:
        self._record("set_node_availability", node_id, availability)

    def set_node_role(self, node_id: str, role: str) -> None:
        self._record("set_node_role", node_id, role)

    def set_node_labels(self, node_id: str, add: dict[str, str], remove: list[str]) -> None:
        self._record("set_node_labels", node_id, add, remove)

    def remove_node(self, node_id: str, force: bool) -> None:
        self._record("remove_node", node_id, force)

    def join_tokens(self) -> tuple[str, str]:
        return DEMO_WORKER_TOKEN, DEMO_MANAGER_TOKEN

    def rotate_join_token(self, role: str) -> None:
        self._record("rotate_join_token", role)

    def leave_swarm(self, force: bool) -> None:
        self._record("leave_swarm", force)

    def labelled(self, kind: StackObjectKind, label: str) -> list[dict[str, Any]]:
        """The demo's services carrying LABEL; the demo has no other stack objects."""
        if kind != "service":
            return []
        key, _, value = label.partition("=")
        return [
            copy.deepcopy(s)
            for s in SERVICES_JSON
            if (s["Spec"].get("Labels") or {}).get(key) == value
        ]

    def listed(self, kind: StackObjectKind) -> list[dict[str, Any]]:
        return []

    def find(self, kind: NamedObjectKind, name: str) -> dict[str, Any] | None:
        """What this console created in the demo (secrets and configs of a stack deploy)."""
        created = self.created.get((kind, name))
        if created is None:
            return None
        return {"ID": created, "Version": {"Index": 1}, "Name": name, "Spec": {"Name": name}}

    def create_network(self, name: str, body: dict[str, Any]) -> str:
        self._record("create_network", name, body)
        return "n3wnetw0rk00000000000001"

    def create_object(self, kind: Literal["secret", "config"], spec: dict[str, Any]) -> str:
        self._record("create_object", kind, spec.get("Name"))  # never the data
        object_id = f"n3w0bject{len(self.created):015d}"
        self.created[(kind, str(spec.get("Name")))] = object_id
        return object_id

    def update_object(
        self, kind: Literal["secret", "config"], object_id: str, version: int, spec: dict[str, Any]
    ) -> None:
        self._record("update_object", kind, object_id)

    def remove_object(self, kind: NamedObjectKind, object_id: str) -> None:
        self._record("remove_object", kind, object_id)

    def replace_service(
        self, service_id: str, build: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> None:
        self._record("replace_service", service_id)

    def resolve_image(self, image: str) -> ResolvedImage | None:
        return None


def _scope_tasks(scope: TaskScope) -> list[Task]:
    key = "ServiceID" if scope.kind.value == "service" else "NodeID"
    tasks = [task_from_json(t) for t in TASKS_JSON if t[key] == scope.object_id]
    return tasks if scope.history else [t for t in tasks if t.is_current]


class DemoBackend:
    """Serves the fixed demo cluster. `swarm_state` and `fail_with` stage the other screens."""

    def __init__(
        self,
        swarm_state: str = "active",
        is_manager: bool = True,
        fail_with: BackendError | None = None,
    ) -> None:
        self.swarm_state = swarm_state
        self.is_manager = is_manager
        self.fail_with = fail_with
        self.requests = 0
        self.init_calls: list[str] = []
        self.demo_mutator = DemoMutator()

    @property
    def endpoint_display(self) -> str:
        return "tcp://127.0.0.1:2375"

    @property
    def request_count(self) -> int:
        return self.requests

    def _hit(self) -> None:
        self.requests += 1
        if self.fail_with is not None:
            raise self.fail_with

    def alive(self) -> bool:
        return self.fail_with is None or self.fail_with.kind is not ProblemKind.UNREACHABLE

    def engine_info(self) -> EngineInfo:
        self._hit()
        active = self.swarm_state == "active"
        return EngineInfo(
            name="manager1",
            server_version="20.10.24+dfsg1",
            api_version="1.41",
            os="Debian GNU/Linux 12 (bookworm)",
            architecture="x86_64",
            swarm_state=self.swarm_state,
            is_manager=self.is_manager and active,
            node_id=NODES_JSON[0]["ID"] if active else "",
            node_address="172.30.0.2" if active else "",
            cluster_id=_CLUSTER_ID if active else "",
            managers=1 if active else 0,
            nodes=3 if active else 0,
        )

    def nodes(self) -> list[Node]:
        self._hit()
        return [node_from_json(n, NODES_JSON[0]["ID"]) for n in NODES_JSON]

    def services(self) -> list[Service]:
        self._hit()
        return [service_from_json(s) for s in SERVICES_JSON]

    def tasks(self, scope: TaskScope) -> list[Task]:
        self._hit()
        return _scope_tasks(scope)

    def service(self, service_id: str) -> Service | None:
        self._hit()
        found = [service_from_json(s) for s in SERVICES_JSON if s["ID"] == service_id]
        return found[0] if found else None

    def node(self, node_id: str) -> Node | None:
        self._hit()
        found = [node_from_json(n, NODES_JSON[0]["ID"]) for n in NODES_JSON if n["ID"] == node_id]
        return found[0] if found else None

    def service_tasks(self, scope: TaskScope, service_id: str) -> list[Task]:
        self._hit()
        return [t for t in _scope_tasks(scope) if t.service_id == service_id]

    def running_tasks(self) -> list[Task]:
        self._hit()
        return [task_from_json(t) for t in TASKS_JSON if t["DesiredState"] == "running"]

    def inspect(self, kind: ObjectKind, object_id: str) -> dict[str, Any]:
        self._hit()
        source = {"node": NODES_JSON, "service": SERVICES_JSON, "task": TASKS_JSON}[kind]
        found: dict[str, Any] = next(o for o in source if o["ID"] == object_id)
        return found

    def swarm_objects(self, kind: NamedObjectKind) -> list[dict[str, Any]]:
        from swarmtui.demo.objects import demo_objects  # it builds on this module

        self._hit()
        return copy.deepcopy(demo_objects(kind))

    def inspect_object(self, kind: NamedObjectKind, object_id: str) -> dict[str, Any]:
        for found in self.swarm_objects(kind):
            if object_id in (found.get("ID"), found.get("Id")):
                return found
        raise BackendError(ProblemKind.ENGINE_ERROR, f"{kind} {object_id} not found")

    def subscribe_events(
        self, since: str | None = None, until: str | None = None
    ) -> _QuietEvents | DemoEventHistory:
        if until is None:
            return _QuietEvents()
        nodes = [f"{n['ID']}:{n['Description']['Hostname']}" for n in NODES_JSON]
        services = [f"{s['ID']}:{s['Spec']['Name']}" for s in SERVICES_JSON]
        events = demo_events(DEMO_NOW, nodes, services)
        return DemoEventHistory(events, float(since or 0), float(until))

    def open_logs(
        self,
        kind: LogKind,
        object_id: str,
        *,
        tail: int | None = None,
        since_ns: int | None = None,
        follow: bool = True,
        idle_timeout: float | None = None,
    ) -> DemoLogStream:
        self._hit()
        task = next((t for t in TASKS_JSON if t["ID"] == object_id), None)
        service_id = task["ServiceID"] if task is not None else object_id
        service = next(s for s in SERVICES_JSON if s["ID"] == service_id)
        tasks = [t for t in TASKS_JSON if t["ServiceID"] == service_id]
        now_ns = int(DEMO_NOW.timestamp()) * 1_000_000_000
        lines = demo_lines(service, tasks, now_ns)
        if kind == "task":
            lines = [line for line in lines if line.task_id == object_id]
        return DemoLogStream(lines, tail=tail, since_ns=since_ns, follow=follow)

    def init_swarm(self, advertise_addr: str) -> str:
        self._hit()
        self.init_calls.append(advertise_addr)
        self.swarm_state = "active"
        return str(NODES_JSON[0]["ID"])

    def mutator(self) -> DemoMutator:
        return self.demo_mutator

    def close(self) -> None:
        return None
