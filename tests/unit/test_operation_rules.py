"""The rules of the node and service operations, without an engine: which operations are
refused (the last manager, a live node without force, scaling a global service or a job),
which carry a warning (an even number of managers, quorum at risk), the docker command each
shows and the mutator calls each makes (recorded by the demo mutator).

The lab tests (tests/lab/test_operations_swarm.py) check the same refusals in the console
against a real swarm; these pin the rules themselves, case by case."""

from __future__ import annotations

from dataclasses import replace

import pytest
from helpers.models import make_node

from swarmtui.actions.operations import (
    Operation,
    OperationRefused,
    create_service,
    demote,
    edit_labels,
    force_redeploy,
    join_command,
    leave_swarm,
    promote,
    remove_node,
    remove_service,
    rollback,
    rotate_token,
    scale_service,
    set_availability,
    update_image,
)
from swarmtui.actions.service_form import ServiceFormInput, service_spec, validate_form
from swarmtui.actions.validation import InputError
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.models import Node, Service
from swarmtui.demo.cluster import DemoMutator


def node(hostname: str, role: str = "worker", status: str = "ready", node_id: str = "") -> Node:
    return make_node(
        id=node_id or f"id-{hostname}",
        hostname=hostname,
        role=role,
        status=status,
        manager_status="Reachable" if role == "manager" else "",
        address="10.0.0.1",
    )


def managers(*statuses: str) -> list[Node]:
    """Managers m1, m2, ... with the given statuses."""
    return [node(f"m{i}", "manager", status) for i, status in enumerate(statuses, start=1)]


def service(name: str = "web", mode: str = "replicated") -> Service:
    return Service(
        id=f"id-{name}",
        name=name,
        mode=mode,
        replicas_desired=2 if mode == "replicated" else None,
        replicas_running=2 if mode == "replicated" else None,
        image="swarmtui-workload:1",
        ports=(),
        created_at=None,
        updated_at=None,
        update_state="",
        version=7,
    )


def calls_of(operation: Operation) -> list[tuple[str, tuple[object, ...]]]:
    mutator = DemoMutator()
    operation.run(mutator)
    return mutator.calls


# Promote --------------------------------------------------------------------------------


def test_promote_a_worker_to_three_managers_has_no_warning() -> None:
    worker = node("w1")
    operation = promote(worker, [*managers("ready", "ready"), worker])
    assert operation.command == "docker node promote w1"
    assert operation.warning == ""
    assert not operation.destructive
    assert calls_of(operation) == [("set_node_role", ("id-w1", "manager"))]


@pytest.mark.parametrize(("before", "after"), [(1, 2), (3, 4)])
def test_promote_to_an_even_number_of_managers_warns(before: int, after: int) -> None:
    worker = node("w1")
    operation = promote(worker, [*managers(*["ready"] * before), worker])
    assert operation.warning == (
        f"{after} managers tolerate no more failures than {after - 1}: "
        "an odd number of managers is recommended."
    )


def test_promote_a_manager_is_refused() -> None:
    nodes = managers("ready")
    with pytest.raises(OperationRefused, match="m1 is already a manager"):
        promote(nodes[0], nodes)


# Demote ---------------------------------------------------------------------------------


def test_demote_the_last_manager_is_refused() -> None:
    nodes = [*managers("ready"), node("w1"), node("w2")]
    with pytest.raises(OperationRefused, match="m1 is the last manager") as refused:
        demote(nodes[0], nodes)
    assert "Promote another node first" in str(refused.value)


def test_demote_a_worker_is_refused() -> None:
    worker = node("w1")
    with pytest.raises(OperationRefused, match="w1 is not a manager"):
        demote(worker, [*managers("ready"), worker])


def test_demote_one_of_three_ready_managers_states_the_quorum() -> None:
    nodes = managers("ready", "ready", "ready")
    operation = demote(nodes[2], nodes)
    assert operation.warning == "2 managers remain; quorum needs 2."
    assert operation.destructive
    assert operation.command == "docker node demote m3"
    assert calls_of(operation) == [("set_node_role", ("id-m3", "worker"))]


@pytest.mark.parametrize(
    ("statuses", "demoted", "ready_after", "remaining", "quorum"),
    [
        # Of three, one is down: demoting a ready one leaves one ready of two, quorum 2.
        (("ready", "ready", "down"), 0, 1, 2, 2),
        # Of five, two are unreachable: demoting a ready one leaves two ready of four.
        (("ready", "ready", "ready", "down", "unknown"), 0, 2, 4, 3),
        # Of two, the other one is down.
        (("ready", "down"), 0, 0, 1, 1),
    ],
)
def test_demote_warns_when_quorum_is_at_risk(
    statuses: tuple[str, ...], demoted: int, ready_after: int, remaining: int, quorum: int
) -> None:
    nodes = managers(*statuses)
    operation = demote(nodes[demoted], nodes)
    assert operation.warning == (
        f"Quorum at risk: only {ready_after} of the remaining {remaining} managers "
        f"are ready and quorum needs {quorum}."
    )


def test_demote_a_down_manager_among_ready_ones_keeps_quorum() -> None:
    nodes = managers("ready", "ready", "down")
    assert demote(nodes[2], nodes).warning == "2 managers remain; quorum needs 2."


# Remove a node --------------------------------------------------------------------------


def test_remove_a_live_worker_needs_force() -> None:
    worker = node("w1")
    with pytest.raises(OperationRefused, match="w1 is ready: only down nodes can be removed"):
        remove_node(worker, force=False, nodes=[*managers("ready"), worker])


def test_remove_a_down_worker_without_force() -> None:
    worker = node("w1", status="down")
    operation = remove_node(worker, force=False, nodes=[*managers("ready"), worker])
    assert operation.command == "docker node rm w1"
    assert operation.destructive
    assert operation.warning == "w1 leaves the node list; its tasks are rescheduled."
    assert calls_of(operation) == [("remove_node", ("id-w1", False))]


def test_remove_a_live_worker_forced() -> None:
    worker = node("w1")
    operation = remove_node(worker, force=True, nodes=[*managers("ready"), worker])
    assert operation.command == "docker node rm --force w1"
    assert calls_of(operation) == [("remove_node", ("id-w1", True))]


def test_remove_the_last_manager_is_refused_even_forced() -> None:
    nodes = [*managers("ready"), node("w1")]
    with pytest.raises(OperationRefused, match="demote it first") as refused:
        remove_node(nodes[0], force=True, nodes=nodes)
    assert "m1 is the last manager" in str(refused.value)


def test_remove_a_manager_demotes_it_first() -> None:
    nodes = managers("ready", "ready", "down")
    operation = remove_node(nodes[2], force=False, nodes=nodes)
    assert operation.title == "Demote and remove node m3"
    assert operation.command == "docker node demote m3 && docker node rm m3"
    assert operation.warning == (
        "2 managers remain; quorum needs 2. m3 leaves the node list; its tasks are rescheduled."
    )
    assert calls_of(operation) == [
        ("set_node_role", ("id-m3", "worker")),
        ("remove_node", ("id-m3", False)),
    ]


def test_remove_a_manager_carries_the_quorum_warning() -> None:
    nodes = managers("ready", "down", "down")
    operation = remove_node(nodes[0], force=True, nodes=nodes)
    assert operation.warning.startswith("Quorum at risk: only 0 of the remaining 2 managers")


class StillManager(DemoMutator):
    """Refuses the first removal as an engine does while the demotion goes through raft."""

    def remove_node(self, node_id: str, force: bool) -> None:
        if not any(name == "remove_node" for name, _ in self.calls):
            self.calls.append(("remove_node", (node_id, force)))
            raise BackendError(ProblemKind.ENGINE_ERROR, "node is a cluster manager")
        super().remove_node(node_id, force)


def test_remove_a_manager_retries_while_the_engine_still_sees_a_manager() -> None:
    nodes = managers("ready", "ready", "ready")
    mutator = StillManager()
    remove_node(nodes[2], force=True, nodes=nodes).run(mutator)
    assert mutator.calls == [
        ("set_node_role", ("id-m3", "worker")),
        ("remove_node", ("id-m3", True)),
        ("remove_node", ("id-m3", True)),
    ]


class Refusing(DemoMutator):
    def remove_node(self, node_id: str, force: bool) -> None:
        raise BackendError(ProblemKind.ENGINE_ERROR, "permission denied")


def test_remove_a_manager_does_not_retry_other_errors() -> None:
    nodes = managers("ready", "ready", "ready")
    with pytest.raises(BackendError, match="permission denied"):
        remove_node(nodes[2], force=True, nodes=nodes).run(Refusing())


# Availability and labels ----------------------------------------------------------------


def test_drain_is_destructive_and_warns() -> None:
    operation = set_availability(node("w1"), "drain")
    assert operation.command == "docker node update --availability drain w1"
    assert operation.destructive
    assert operation.warning == "Tasks on w1 are stopped and rescheduled on other nodes."
    assert calls_of(operation) == [("set_node_availability", ("id-w1", "drain"))]


@pytest.mark.parametrize("availability", ["active", "pause"])
def test_active_and_pause_are_not_destructive(availability: str) -> None:
    operation = set_availability(node("w1"), availability)
    assert not operation.destructive and operation.warning == ""


def test_an_unknown_availability_is_an_input_error() -> None:
    with pytest.raises(InputError) as error:
        set_availability(node("w1"), "sleep")
    assert error.value.field == "availability"


def test_labels_command_quotes_and_lists_additions_then_removals() -> None:
    operation = edit_labels(node("w1"), {"zone": "a b", "ssd": ""}, ["old"])
    assert operation.command == (
        "docker node update --label-add 'zone=a b' --label-add ssd --label-rm old w1"
    )
    assert calls_of(operation) == [
        ("set_node_labels", ("id-w1", {"zone": "a b", "ssd": ""}, ["old"]))
    ]


# Services -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "kind"),
    [("global", "global services"), ("replicated-job", "jobs"), ("global-job", "jobs")],
)
def test_scaling_is_refused_for_global_services_and_jobs(mode: str, kind: str) -> None:
    with pytest.raises(OperationRefused, match=f"web is a {mode} service: {kind} run one task"):
        scale_service(service(mode=mode), 3)


def test_scale_a_replicated_service() -> None:
    operation = scale_service(service(), 5)
    assert operation.command == "docker service scale web=5"
    assert calls_of(operation) == [("scale_service", ("id-web", 5))]


def test_service_commands_quote_names_the_shell_would_split() -> None:
    odd = replace(service(), name="a b")
    assert update_image(odd, "img:2").command == "docker service update --image img:2 'a b'"
    assert force_redeploy(odd).command == "docker service update --force 'a b'"
    assert rollback(odd).command == "docker service rollback 'a b'"
    assert remove_service(odd).command == "docker service rm 'a b'"


def test_remove_service_warns_with_its_replicas() -> None:
    operation = remove_service(service())
    assert operation.destructive
    assert operation.warning == "All tasks of web (2/2) stop and are removed."
    assert calls_of(operation) == [("remove_service", ("id-web",))]


def test_service_operations_call_their_mutator_method() -> None:
    web = service()
    assert calls_of(update_image(web, "img:2")) == [("update_service_image", ("id-web", "img:2"))]
    assert calls_of(force_redeploy(web)) == [("force_update_service", ("id-web",))]
    assert calls_of(rollback(web)) == [("rollback_service", ("id-web",))]


def test_create_service_sends_the_spec_of_the_form() -> None:
    definition = validate_form(ServiceFormInput(image="img:1", name="api", replicas="2"))
    operation = create_service(definition)
    assert operation.title == "Create service api"
    assert operation.command == "docker service create --name api --replicas 2 img:1"
    assert calls_of(operation) == [("create_service", (service_spec(definition),))]


# Swarm ----------------------------------------------------------------------------------


def test_join_command_adds_the_default_port() -> None:
    assert (
        join_command("SWMTKN-1-x", "10.0.0.1")
        == "docker swarm join --token SWMTKN-1-x 10.0.0.1:2377"
    )
    assert join_command("T", "10.0.0.1:4000") == "docker swarm join --token T 10.0.0.1:4000"


def test_rotate_token_is_destructive() -> None:
    operation = rotate_token("worker")
    assert operation.command == "docker swarm join-token --rotate worker"
    assert operation.destructive and "worker token stops working" in operation.warning
    assert calls_of(operation) == [("rotate_join_token", ("worker",))]


@pytest.mark.parametrize(
    ("force", "command"), [(False, "docker swarm leave"), (True, "docker swarm leave --force")]
)
def test_leave_swarm(force: bool, command: str) -> None:
    operation = leave_swarm(force)
    assert operation.command == command
    assert "A last manager leaving destroys the swarm." in operation.warning
    assert calls_of(operation) == [("leave_swarm", (force,))]
