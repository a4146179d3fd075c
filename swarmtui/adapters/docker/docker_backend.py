"""ClusterBackend over docker-py: connect to the first reachable manager and read the swarm."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import docker
import docker.tls
import requests

from swarmtui.adapters.docker.api_version import MIN_API_VERSION, api_version_tuple
from swarmtui.adapters.docker.engine_http import (
    engine_url,
    get,
    raise_for_status,
    send_config_headers,
)
from swarmtui.adapters.docker.errors import classify
from swarmtui.adapters.docker.event_stream import EventSubscription
from swarmtui.adapters.docker.known_services import known_services, known_tasks
from swarmtui.adapters.docker.list_body import BLOCK, against_last, blocks_of
from swarmtui.adapters.docker.read_timeouts import ListTimeouts
from swarmtui.adapters.docker.task_filters import task_filters
from swarmtui.core.chunked_json import array_items, whole_json
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.mapping import (
    engine_info_from_json,
    node_from_json,
    task_from_json,
)
from swarmtui.core.models import EngineInfo, Node, ScopeKind, Service, Task, TaskScope
from swarmtui.core.shared_json import shared_items
from swarmtui.logs.log_target import LogKind
from swarmtui.ports import NamedObjectKind, ObjectKind

if TYPE_CHECKING:  # imported where used: the first paint needs no writes and no logs
    from swarmtui.adapters.docker.log_stream import LogStream
    from swarmtui.adapters.docker.mutations import Mutations

T = TypeVar("T")
REQUEST_TIMEOUT = 25.0
CONNECT_TIMEOUT = 1.5
POLL_READ_TIMEOUT = 2.5  # manager-side calls time out after 20 s; leave room for that answer
LIST_READ_TIMEOUT_CAP = 20.0  # a whole list's, grown from POLL_READ_TIMEOUT by its last answer
PING_READ_TIMEOUT = 2.0


class DockerBackend:
    def __init__(self, endpoint: Endpoint, timeout: float = REQUEST_TIMEOUT) -> None:
        self._endpoint = endpoint
        self._requests = 0
        self._lock = threading.Lock()
        self._self_node_id = ""
        self._parsed: dict[str, tuple[list[bytes], Any]] = {}  # key -> block digests, result
        # Reads that poll the cluster answer in well under a second from a healthy manager;
        # a dead one over tcp (no RST from a vanished host) must not stall failover.
        self._poll_timeout: float | tuple[float, float] = (
            (CONNECT_TIMEOUT, POLL_READ_TIMEOUT) if endpoint.scheme == "tcp" else timeout
        )
        self._known_services = known_services()
        self._known_tasks = known_tasks()
        # The whole lists: thousands of services take the engine seconds to build.
        self._list_timeouts = ListTimeouts(floor=POLL_READ_TIMEOUT, cap=LIST_READ_TIMEOUT_CAP)
        try:
            self._api = docker.APIClient(
                base_url=endpoint.url,
                version="auto",
                # tcp: fail fast on a dead manager (failover), wait long for a slow answer
                timeout=(CONNECT_TIMEOUT, timeout) if endpoint.scheme == "tcp" else timeout,
                tls=tls_config(endpoint),
            )
        except Exception as exc:
            raise classify(exc, endpoint.display) from exc
        send_config_headers(self._api)
        self._api.hooks["response"].append(self._count_request)
        self._mutations: Mutations | None = None
        self._mutations_lock = threading.Lock()
        version = str(self._api.api_version)
        if api_version_tuple(version) < api_version_tuple(MIN_API_VERSION):
            self._api.close()
            raise BackendError(
                ProblemKind.API_TOO_OLD,
                f"The engine at {endpoint.display} speaks Engine API {version}.",
                f"swarmtui needs API {MIN_API_VERSION} (Docker 20.10) or newer: "
                "upgrade the engine.",
            )

    def _count_request(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            self._requests += 1

    @property
    def endpoint(self) -> Endpoint:
        """The engine as connected (a password included in its URL: never shown)."""
        return self._endpoint

    @property
    def endpoint_display(self) -> str:
        return self._endpoint.display

    @property
    def request_count(self) -> int:
        return self._requests

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self._api, method)(*args, **kwargs)
        except Exception as exc:
            raise classify(exc, self._endpoint.display) from exc

    def alive(self) -> bool:
        """Whether the engine itself answers (GET /_ping): no swarm call, so no wait for a
        raft leader. A manager whose swarm calls time out during an election still does."""
        timeout: float | tuple[float, float] = (
            (CONNECT_TIMEOUT, PING_READ_TIMEOUT) if self._endpoint.scheme == "tcp" else 10.0
        )
        try:
            response = get(self._api, engine_url(self._api, "/_ping"), timeout=timeout)
        except Exception:
            return False
        return bool(response.status_code == 200)

    def engine_info(self) -> EngineInfo:
        version = str(self._api.api_version)
        info = self._get_mapped(
            "/info", {}, lambda data: engine_info_from_json(data, version), whole_json
        )
        self._self_node_id = info.node_id
        return info

    def nodes(self) -> list[Node]:
        self_id = self._self_node_id
        return self._get_mapped(
            "/nodes", {}, lambda data: [node_from_json(n, self_id) for n in data]
        )

    def _get_mapped(
        self,
        path: str,
        params: dict[str, str],
        mapper: Callable[[Any], T],
        decode: Callable[[Iterator[bytes]], Any] = array_items,
    ) -> T:
        """GET PATH; when the body is byte-for-byte the last one, skip parsing and mapping.

        Steady-state polls mostly return unchanged lists, and parsing megabytes of task
        JSON is what an idle console would otherwise spend its CPU on. The body is never
        held whole (see list_body): DECODE reads its blocks as it needs them (lists:
        element by element, see chunked_json; task lists with their specs shared).
        """
        key = path + json.dumps(params, sort_keys=True)
        cached = self._parsed.get(key)
        blocks = self._list_blocks(path, params, key)
        body = against_last(blocks, cached[0] if cached else ())
        if body is None or not body.whole:
            blocks.close()  # its connection, should the body have been left unread
        if body is None:
            assert cached is not None
            return cast(T, cached[1])
        if not body.whole:  # the blocks equal to the last body's were let go: ask again
            body = against_last(self._list_blocks(path, params, key), ())
            assert body is not None
        result = mapper(decode(body.blocks))
        self._parsed[key] = (body.digests, result)
        return result

    def _list_blocks(self, path: str, params: dict[str, str], key: str) -> Generator[bytes]:
        """GET the list PATH: its body's blocks as they are read. Over tcp the read timeout
        follows KEY's last answer."""
        timeout = self._poll_timeout
        if isinstance(timeout, tuple):
            timeout = (timeout[0], self._list_timeouts.timeout(key))
        started = time.monotonic()
        try:
            response = get(
                self._api, engine_url(self._api, path), params=params, timeout=timeout, stream=True
            )
        except Exception as exc:
            self._list_failed(key, exc)
        try:
            raise_for_status(response)
        except Exception as exc:
            response.close()
            self._list_failed(key, exc)
        return self._read_blocks(response, key, started)

    def _read_blocks(
        self, response: requests.Response, key: str, started: float
    ) -> Generator[bytes]:
        size = 0
        with response:
            try:
                for block in blocks_of(response.iter_content(BLOCK)):
                    size += len(block)
                    yield block
            except Exception as exc:
                self._list_failed(key, exc)
        self._list_timeouts.answered(key, time.monotonic() - started, size)

    def _list_failed(self, key: str, exc: Exception) -> NoReturn:
        if isinstance(exc, requests.exceptions.ReadTimeout):
            self._list_timeouts.timed_out(key)
        raise classify(exc, self._endpoint.display) from exc

    def _get(self, path: str, params: dict[str, str], *ids: str) -> requests.Response:
        try:
            response = get(
                self._api,
                engine_url(self._api, path, *ids),
                params=params,
                timeout=self._poll_timeout,
            )
            raise_for_status(response)
        except Exception as exc:
            raise classify(exc, self._endpoint.display) from exc
        return response

    def services(self) -> list[Service]:
        return self._get_mapped("/services", {"status": "true"}, self._known_services.listed)

    def tasks(self, scope: TaskScope) -> list[Task]:
        return self._scoped_tasks(scope, {})

    def service(self, service_id: str) -> Service | None:
        # The list, filtered by id: only the list gives a service's status (task counts).
        filters = json.dumps({"id": [service_id]})
        listed = self._get("/services", {"status": "true", "filters": filters}).json()
        found = [s for s in listed if s.get("ID") == service_id]  # the filter takes prefixes
        return self._known_services.one(found[0]) if found else None

    def node(self, node_id: str) -> Node | None:
        try:
            found = self._get("/nodes/{0}", {}, node_id).json()
        except BackendError as exc:
            if isinstance(exc.__cause__, docker.errors.NotFound):
                return None
            raise
        return node_from_json(found, self._self_node_id)

    def service_tasks(self, scope: TaskScope, service_id: str) -> list[Task]:
        return self._scoped_tasks(scope, {"service": [service_id]})

    def _scoped_tasks(self, scope: TaskScope, more: dict[str, list[str]]) -> list[Task]:
        try:
            return self._get_mapped(
                "/tasks",
                {"filters": json.dumps(task_filters(scope, more))},
                self._known_tasks.listed,
                shared_items,
            )
        except BackendError as exc:
            if isinstance(exc.__cause__, docker.errors.NotFound):
                # The scoped service or node was removed (404 "service X not found"): it has
                # no tasks. Raising here would fail every refresh until the scope changes.
                return []
            raise

    def running_tasks(self) -> list[Task]:
        filters = json.dumps({"desired-state": ["running"]})
        return self._get_mapped(
            "/tasks",
            {"filters": filters},
            lambda data: [task_from_json(t) for t in data],
            shared_items,
        )

    def inspect(self, kind: ObjectKind, object_id: str) -> dict[str, Any]:
        method = {"node": "inspect_node", "service": "inspect_service", "task": "inspect_task"}
        result: dict[str, Any] = self._call(method[kind], object_id)
        return result

    def swarm_objects(self, kind: NamedObjectKind) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = self._call(f"{kind}s")
        return listed

    def inspect_object(self, kind: NamedObjectKind, object_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call(f"inspect_{kind}", object_id)
        return found

    def subscribe_events(
        self, since: str | None = None, until: str | None = None
    ) -> EventSubscription:
        try:
            return EventSubscription(self._api, since, until)
        except Exception as exc:
            raise classify(exc, self._endpoint.display) from exc

    def open_logs(
        self,
        kind: LogKind,
        object_id: str,
        *,
        tail: int | None = None,
        since_ns: int | None = None,
        follow: bool = True,
        idle_timeout: float | None = None,
    ) -> LogStream:
        from swarmtui.adapters.docker.log_stream import LogStream

        return LogStream(
            self._api,
            kind,
            object_id,
            tail=tail,
            since_ns=since_ns,
            follow=follow,
            idle_timeout=idle_timeout,
            endpoint=self._endpoint.display,
        )

    def init_swarm(self, advertise_addr: str) -> str:
        node_id: str = self._call("init_swarm", advertise_addr=advertise_addr or None)
        return node_id

    def mutator(self) -> Mutations:
        with self._mutations_lock:  # one, whatever thread asks first: it counts retries
            if self._mutations is None:
                from swarmtui.adapters.docker.mutations import Mutations

                self._mutations = Mutations(self._api, self._endpoint.display)
            return self._mutations

    def close(self) -> None:
        self._api.close()


def tls_config(endpoint: Endpoint) -> docker.tls.TLSConfig | bool:
    if endpoint.scheme != "tcp" or endpoint.tls is None:
        return False
    tls = endpoint.tls
    client_cert = (tls.client_cert, tls.client_key) if tls.client_cert and tls.client_key else None
    return docker.tls.TLSConfig(
        client_cert=client_cert,
        ca_cert=tls.ca_cert,
        verify=tls.ca_cert if tls.verify and tls.ca_cert else tls.verify,
    )


def connect(endpoints: Sequence[Endpoint]) -> DockerBackend:
    """The first reachable endpoint wins; the last error explains a total failure."""
    if not endpoints:
        raise BackendError(ProblemKind.MALFORMED_ENDPOINT, "No endpoint given.")
    last: BackendError | None = None
    for endpoint in endpoints:
        try:
            return DockerBackend(endpoint)
        except BackendError as exc:
            last = exc
            if exc.kind is ProblemKind.API_TOO_OLD:
                break
    assert last is not None
    raise last


__all__ = ["DockerBackend", "ScopeKind", "connect"]
