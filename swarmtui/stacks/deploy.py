"""Applying a StackPlan to a swarm, as `docker stack deploy` does, and removing a stack.

Deploy: every external object is checked first (nothing is created when one is missing);
then --prune, networks, secrets, configs, services. A service that exists is updated in
place (its current version, its ForceUpdate kept; with --resolve-image changed/never an
unchanged image keeps the digest it was pinned to); a new one is created. Each step is
reported as it happens; a failure half way says what was done and what was not.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.ports import Mutator
from swarmtui.stacks.naming import IMAGE_LABEL, NAMESPACE_LABEL, is_user_defined_network
from swarmtui.stacks.objects import FileObjectPlan
from swarmtui.stacks.plan import StackPlan

Spec = dict[str, Any]
NETWORK_REMOVAL_TIMEOUT = 60.0
SERVICES_AT_ONCE = 4


@dataclass(frozen=True)
class StackStep:
    action: str  # created | updated | removed | kept | failed
    kind: str  # service | network | secret | config
    name: str
    detail: str = ""

    def text(self) -> str:
        return f"{self.action} {self.kind} {self.name}" + (
            f": {self.detail}" if self.detail else ""
        )


@dataclass
class StackReport:
    stack: str
    steps: list[StackStep] = field(default_factory=list)
    service_ids: dict[str, str] = field(default_factory=dict)  # swarm name -> id

    def done(self, action: str) -> list[StackStep]:
        return [step for step in self.steps if step.action == action]


class StackFailed(BackendError):
    """A deploy or remove that stopped half way; REPORT says what was done (services are
    sent a few at a time: those beside the failing one are waited for)."""

    def __init__(
        self, report: StackReport, step: str, message: str, not_done: list[str] | None = None
    ) -> None:
        done = ", ".join(s.text() for s in report.steps if s.action != "failed") or "nothing"
        text = f"{step} failed: {message}. Done: {done}."
        if not_done:
            text += f" Not done: {', '.join(not_done)}."
        super().__init__(ProblemKind.ENGINE_ERROR, text)
        self.report = report
        self.step = step
        self.reason = message


Progress = Callable[[StackStep], None]


def _quiet(step: StackStep) -> None:
    return None


def deploy_stack(
    plan: StackPlan,
    engine: Mutator,
    *,
    prune: bool = False,
    resolve_image: str = "always",
    progress: Progress = _quiet,
) -> StackReport:
    """Apply PLAN; a failure half way names what was done and what was not."""
    report = StackReport(plan.stack)
    try:
        return _deploy(plan, engine, report, prune, resolve_image, progress)
    except StackFailed as failed:
        done = {(s.kind, s.name) for s in report.steps}
        not_done = [f"{kind} {name}" for kind, name in planned(plan) if (kind, name) not in done]
        raise StackFailed(report, failed.step, failed.reason, not_done) from failed.__cause__


def planned(plan: StackPlan) -> list[tuple[str, str]]:
    """(kind, name) of every object a deploy of PLAN creates or updates, in its order."""
    objects = [("network", network.name) for network in plan.networks]
    objects += [(o.kind, o.name) for o in plan.secrets + plan.configs if not o.external]
    return objects + [("service", plan.services[key]["Name"]) for key in sorted(plan.services)]


def _deploy(
    plan: StackPlan,
    engine: Mutator,
    report: StackReport,
    prune: bool,
    resolve_image: str,
    progress: Progress,
) -> StackReport:

    def step(action: str, kind: str, name: str, detail: str = "") -> None:
        done = StackStep(action, kind, name, detail)
        report.steps.append(done)
        progress(done)

    check_external_objects(plan, engine)
    label = f"{NAMESPACE_LABEL}={plan.stack}"
    existing = {s["Spec"]["Name"]: s for s in engine.labelled("service", label)}
    if prune:
        wanted = {spec["Name"] for spec in plan.services.values()}
        for name in sorted(set(existing) - wanted):
            _run(
                report,
                f"removing service {name}",
                partial(engine.remove_service, existing[name]["ID"]),
            )
            step("removed", "service", name)
    stack_networks = {n["Name"] for n in engine.labelled("network", label)}
    for network in plan.networks:
        if network.name in stack_networks:
            step("kept", "network", network.name)
            continue
        _run(
            report,
            f"creating network {network.name}",
            partial(engine.create_network, network.name, network.body),
        )
        step("created", "network", network.name)
    for obj in plan.secrets + plan.configs:
        if not obj.external:
            _put_file_object(report, engine, obj, step)
    object_ids: dict[tuple[str, str], str] = {}
    specs = [
        _with_object_ids(plan.services[key], engine, object_ids) for key in sorted(plan.services)
    ]

    def apply(spec: Spec) -> tuple[str, str]:
        """SPEC's service updated or created: (action, service id)."""
        name = spec["Name"]
        if name in existing:
            service_id = existing[name]["ID"]
            update = partial(_updated, spec, engine=engine, resolve_image=resolve_image)
            engine.replace_service(service_id, update)
            return "updated", service_id
        pinned = _pinned(spec, engine) if resolve_image in ("always", "changed") else spec
        return "created", str(engine.create_service(pinned))

    # The services a few at a time (the CLI sends them one by one): each is a request the
    # manager answers on its own. Each is reported in order as soon as it and those before
    # it are done; after a failure the others are still waited for and reported.
    failed: tuple[str, BackendError] | None = None
    with ThreadPoolExecutor(SERVICES_AT_ONCE) as pool:
        applied = [(spec["Name"], pool.submit(apply, spec)) for spec in specs]
        for name, future in applied:
            try:
                action, service_id = future.result()
            except BackendError as exc:
                if failed is None:
                    what = "updating" if name in existing else "creating"
                    failed = (f"{what} service {name}", exc)
                continue
            report.service_ids[name] = service_id
            step(action, "service", name)
    if failed is not None:
        what, error = failed
        raise StackFailed(report, what, error.message) from error
    return report


def check_external_objects(plan: StackPlan, engine: Mutator) -> None:
    """Raise before anything is created when an external network, secret or config is missing."""
    for name in plan.external_networks:
        if not is_user_defined_network(name):
            continue
        found = engine.find("network", name)
        if found is None:
            raise BackendError(
                ProblemKind.ENGINE_ERROR,
                f"{plan.origin('network', name)}network {name!r} is declared as external, "
                "but could not be found: create a "
                "swarm-scoped network before the stack is deployed",
            )
        if found.get("Scope") != "swarm":
            raise BackendError(
                ProblemKind.ENGINE_ERROR,
                f"{plan.origin('network', name)}network {name!r} is declared as external, "
                "but its scope is "
                f'{found.get("Scope")!r}, not "swarm"',
            )
    for obj in plan.secrets + plan.configs:
        if obj.external and engine.find(obj.kind, obj.name) is None:
            raise BackendError(
                ProblemKind.ENGINE_ERROR,
                f"{plan.origin(obj.kind, obj.name)}{obj.kind} {obj.name!r} is declared as "
                "external, but could not be found: "
                f"create it first (docker {obj.kind} create {obj.name} FILE)",
            )


def updated_spec(spec: Spec, current: Spec, engine: Mutator, resolve_image: str) -> Spec:
    """The spec to post over CURRENT: the new one, keeping ForceUpdate, and keeping the
    pinned image when the file's image did not change (or pinning it anew)."""
    result = copy.deepcopy(spec)
    old_spec = current.get("Spec", {})
    image = result["TaskTemplate"]["ContainerSpec"]["Image"]
    unchanged = image == (old_spec.get("Labels") or {}).get(IMAGE_LABEL)
    if resolve_image == "always" or (resolve_image == "changed" and not unchanged):
        result = _pinned(result, engine)
    elif unchanged:
        result["TaskTemplate"]["ContainerSpec"]["Image"] = old_spec["TaskTemplate"][
            "ContainerSpec"
        ]["Image"]
    result["TaskTemplate"]["ForceUpdate"] = old_spec.get("TaskTemplate", {}).get("ForceUpdate", 0)
    return result


def _updated(spec: Spec, current: Spec, *, engine: Mutator, resolve_image: str) -> Spec:
    return updated_spec(spec, current, engine, resolve_image)


def _pinned(spec: Spec, engine: Mutator) -> Spec:
    resolved = engine.resolve_image(spec["TaskTemplate"]["ContainerSpec"]["Image"])
    if resolved is None:
        return spec
    result = copy.deepcopy(spec)
    result["TaskTemplate"]["ContainerSpec"]["Image"] = resolved.reference
    placement = result["TaskTemplate"].setdefault("Placement", {})
    if resolved.platforms and not placement.get("Platforms"):
        placement["Platforms"] = [{"Architecture": a, "OS": o} for a, o in resolved.platforms]
    return result


def _with_object_ids(spec: Spec, engine: Mutator, known: dict[tuple[str, str], str]) -> Spec:
    """SPEC with the ids of the secrets and configs it names; each is looked up once per
    deploy (KNOWN keeps them), however many services use it."""
    result = copy.deepcopy(spec)
    container = result["TaskTemplate"]["ContainerSpec"]
    kinds: tuple[tuple[Literal["secret", "config"], str], ...] = (
        ("secret", "Secrets"),
        ("config", "Configs"),
    )
    for kind, field_name in kinds:
        for reference in container.get(field_name, []):
            name = reference[f"{kind.capitalize()}Name"]
            if (kind, name) not in known:
                found = engine.find(kind, name)
                if found is None:
                    raise BackendError(ProblemKind.ENGINE_ERROR, f"{kind} {name!r} not found")
                known[kind, name] = found["ID"]
            reference[f"{kind.capitalize()}ID"] = known[kind, name]
    return result


def _put_file_object(
    report: StackReport, engine: Mutator, obj: FileObjectPlan, step: Callable[..., None]
) -> None:
    existing = engine.find(obj.kind, obj.name)
    if existing is None:
        _run(
            report,
            f"creating {obj.kind} {obj.name}",
            lambda: engine.create_object(obj.kind, obj.spec),
        )
        step("created", obj.kind, obj.name)
        return
    version = int(existing["Version"]["Index"])
    _run(
        report,
        f"updating {obj.kind} {obj.name}",
        lambda: engine.update_object(obj.kind, existing["ID"], version, obj.spec),
    )
    step("updated", obj.kind, obj.name)


def _run(report: StackReport, what: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except BackendError as exc:
        raise StackFailed(report, what, exc.message) from exc


@dataclass(frozen=True)
class StackContents:
    """What a stack is made of on the swarm (what removing it takes away)."""

    stack: str
    services: list[Spec]
    networks: list[Spec]
    secrets: list[Spec]
    configs: list[Spec]

    def empty(self) -> bool:
        return not (self.services or self.networks or self.secrets or self.configs)

    def names(self, kind: str) -> list[str]:
        entries = getattr(self, f"{kind}s")
        return sorted(_name(kind, entry) for entry in entries)


def stack_contents(stack: str, engine: Mutator) -> StackContents:
    label = f"{NAMESPACE_LABEL}={stack}"
    return StackContents(
        stack,
        engine.labelled("service", label),
        engine.labelled("network", label),
        engine.labelled("secret", label),
        engine.labelled("config", label),
    )


def remove_stack(
    contents: StackContents,
    engine: Mutator,
    *,
    progress: Progress = _quiet,
    network_timeout: float = NETWORK_REMOVAL_TIMEOUT,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> StackReport:
    """Remove services, secrets, configs, then networks (retried while the tasks that used
    them shut down). Objects without the stack's label (external ones) are never touched."""
    report = StackReport(contents.stack)

    def step(action: str, kind: str, name: str, detail: str = "") -> None:
        done = StackStep(action, kind, name, detail)
        report.steps.append(done)
        progress(done)

    for service in sorted(contents.services, key=lambda s: s["Spec"]["Name"]):
        _run(
            report,
            f"removing service {service['Spec']['Name']}",
            partial(engine.remove_service, service["ID"]),
        )
        step("removed", "service", service["Spec"]["Name"])
    kinds: tuple[Literal["secret", "config"], ...] = ("secret", "config")
    for kind in kinds:
        for entry in getattr(contents, f"{kind}s"):
            name = _name(kind, entry)
            _run(
                report,
                f"removing {kind} {name}",
                partial(engine.remove_object, kind, entry["ID"]),
            )
            step("removed", kind, name)
    deadline = clock() + network_timeout
    if contents.services and contents.networks:
        # Networks removed while tasks still hold addresses on them lose those addresses
        # for good (engine 20.10, the ingress network included): wait for the tasks to go.
        _wait_for_tasks_gone(contents.stack, engine, deadline, clock, sleep)
    for network in contents.networks:
        while True:
            try:
                engine.remove_object("network", network["Id"])
                break
            except BackendError as exc:
                if clock() >= deadline:
                    raise StackFailed(
                        report, f"removing network {network['Name']}", exc.message
                    ) from exc
                sleep(0.5)
        step("removed", "network", network["Name"])
    return report


# Tasks that never ran and never will (a removed job's): they are not waited for.
_NEVER_STARTED = ("new", "pending", "assigned")


def _wait_for_tasks_gone(
    stack: str,
    engine: Mutator,
    deadline: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> None:
    label = f"{NAMESPACE_LABEL}={stack}"
    while clock() < deadline:
        tasks = engine.labelled("task", label)
        if all(
            task.get("DesiredState") != "running"
            and (task.get("Status") or {}).get("State") in _NEVER_STARTED
            for task in tasks
        ):
            return
        sleep(0.5)


def _name(kind: str, entry: Spec) -> str:
    return str(entry["Name"] if kind == "network" else entry["Spec"]["Name"])
