"""The ways to reach a node's engine: the manager in use, a machine, [nodes], the address."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from helpers.models import make_node

from swarmtui.core.config import parse_config
from swarmtui.core.models import Node
from swarmtui.core.node_access import NodeMapping, SshDestination
from swarmtui.machines.model import MachineError, MachineRecord
from swarmtui.machines.store import MachineStore
from swarmtui.nodes.routes import NodeAccess, NodeRoute, machines_of, node_routes


def node(
    hostname: str = "worker1",
    address: str = "10.0.0.21",
    node_id: str = "nodeid-worker1",
    *,
    is_self: bool = False,
) -> Node:
    return make_node(hostname=hostname, address=address, id=node_id, is_self=is_self)


def dind(
    name: str, address: str, url: str = "tcp://127.0.0.1:32801", **extra: str
) -> MachineRecord:
    return MachineRecord(
        name=name,
        driver="dind",
        address=address,
        engine_url=url,
        container_id="c0ffee" * 10 + "abcd",
        extra={"container": f"swarmtui-{name}", **extra},
    )


def ssh_machine(name: str, address: str, **extra: str) -> MachineRecord:
    return MachineRecord(
        name=name,
        driver="ssh",
        address=address,
        ssh_user="admin",
        ssh_port=2222,
        ssh_key_path="/home/me/.ssh/id_swarm",
        ssh_proxy_jump="ops@bastion",
        engine_url=f"ssh://admin@{address}:2222",
        extra=extra,
    )


class FakeStore:
    """What NodeAccess reads: the records, or the error of a damaged store."""

    def __init__(self, records: list[MachineRecord], error: str = "") -> None:
        self.records = records
        self.error = error
        self.reads = 0

    def list(self) -> list[MachineRecord]:
        self.reads += 1
        if self.error:
            raise MachineError(self.error)
        return list(self.records)


NODES = parse_config(
    {
        "nodes": {
            "worker1": "admin@10.0.0.21",
            "worker*": "ssh://ops@bastion:2222",
            "db-?": "context:prod-db",
        }
    }
).nodes


def kinds(routes: tuple[NodeRoute, ...]) -> list[tuple[str, str, str]]:
    return [(r.kind, r.label, r.target) for r in routes]


def test_a_dind_machine_is_reached_by_its_published_engine() -> None:
    routes = node_routes(node("lab-w1", "172.20.0.3"), [dind("lab-w1", "172.20.0.3")])
    assert kinds(routes) == [
        ("dind", "dind", "tcp://127.0.0.1:32801"),
        ("address-ssh", "ssh 172.20.0.3", "172.20.0.3"),
    ]
    assert routes[0].engine_url == "tcp://127.0.0.1:32801"
    assert routes[0].machine_container == "swarmtui-lab-w1"
    assert routes[0].source == "machine lab-w1"
    assert not routes[0].over_ssh


def test_an_ssh_machine_is_reached_with_its_stored_login() -> None:
    record = ssh_machine("worker1", "10.0.0.21", ssh_host="w1-alias", sudo="1")
    [machine, address] = node_routes(node(), [record])
    assert machine.kind == "ssh"
    assert machine.label == "ssh worker1"
    # the host as typed at creation (maybe an ~/.ssh/config alias), not the advertise address
    assert machine.ssh == SshDestination(
        "w1-alias", "admin", 2222, "/home/me/.ssh/id_swarm", "ops@bastion"
    )
    assert machine.sudo is True
    assert machine.over_ssh
    assert address.kind == "address-ssh"
    assert address.ssh == SshDestination("10.0.0.21")  # user, port: ~/.ssh/config or defaults


def test_an_ssh_machine_without_the_typed_host_uses_its_engine_url_then_address() -> None:
    record = ssh_machine("worker1", "192.168.7.5")  # address: the swarm advertise address
    route = node_routes(node(address="192.168.7.5"), [record])[0]
    assert route.ssh is not None and route.ssh.host == "192.168.7.5"
    assert route.sudo is False
    bare = replace(record, engine_url="")
    assert node_routes(node(), [bare])[0].ssh == replace(route.ssh, host="192.168.7.5")


def test_machines_match_by_node_id_then_name_then_address() -> None:
    by_id = dind("renamed", "172.20.0.9", node_id="nodeid-worker1")
    by_name = dind("WORKER1", "172.20.0.8", url="tcp://127.0.0.1:32802")
    by_address = dind("other", "10.0.0.21:2377", url="tcp://127.0.0.1:32803")
    stranger = dind("worker2", "10.0.0.22", url="tcp://127.0.0.1:32804")
    found = machines_of(node(), [stranger, by_address, by_name, by_id])
    assert found == [by_id, by_name, by_address]
    # a record matching twice is one way
    assert machines_of(node(), [dind("worker1", "10.0.0.21")]) == [dind("worker1", "10.0.0.21")]


def test_a_machine_that_joined_as_another_node_is_not_this_one() -> None:
    elsewhere = dind("worker1", "10.0.0.21", node_id="nodeid-of-another-swarm")
    assert machines_of(node(), [elsewhere]) == []
    assert [r.kind for r in node_routes(node(), [elsewhere])] == ["address-ssh"]


def test_a_node_without_an_address_matches_no_machine_by_address() -> None:
    assert machines_of(node("x", ""), [dind("y", "")]) == []
    assert machines_of(node("x", "0.0.0.0"), [dind("y", "0.0.0.0")]) == []


def test_a_dind_machine_publishing_no_engine_is_passed_over() -> None:
    stopped = dind("worker1", "10.0.0.21", url="")
    assert kinds(node_routes(node(), [stopped])) == [("address-ssh", "ssh 10.0.0.21", "10.0.0.21")]


def test_the_nodes_table_comes_after_machines_first_match_only() -> None:
    routes = node_routes(node("worker2", "10.0.0.22"), [dind("worker2", "10.0.0.22")], NODES)
    assert kinds(routes) == [
        ("dind", "dind", "tcp://127.0.0.1:32801"),
        ("ssh", "mapped", "ops@bastion:2222"),  # "worker*", not "worker1"
        ("address-ssh", "ssh 10.0.0.22", "10.0.0.22"),
    ]
    assert routes[1].source == "[nodes] 'worker*'"


def test_a_context_mapping() -> None:
    [context, _address] = node_routes(node("db-1", "10.0.0.31"), [], NODES)
    assert (context.kind, context.label, context.context) == ("context", "context", "prod-db")
    assert context.target == "context prod-db"
    assert not context.over_ssh


def test_the_manager_in_use_comes_first_for_its_own_node() -> None:
    manager = node("manager1", "10.0.0.11", is_self=True)
    routes = node_routes(manager, [], (), connected_endpoint="ssh://admin@10.0.0.11")
    assert kinds(routes)[0] == ("connected", "connected", "ssh://admin@10.0.0.11")
    assert node_routes(node(), [], (), connected_endpoint="tcp://m:2375")[0].kind != "connected"
    assert node_routes(manager)[0].kind == "address-ssh"  # no endpoint known: not offered


def test_a_dind_manager_in_use_is_not_offered_twice() -> None:
    manager = node("lab-m1", "172.20.0.2", is_self=True)
    routes = node_routes(manager, [dind("lab-m1", "172.20.0.2")], (), "tcp://127.0.0.1:32801")
    assert [r.kind for r in routes] == ["connected", "address-ssh"]


def test_a_mapping_equal_to_the_address_is_one_way() -> None:
    mapping = (NodeMapping("worker1", SshDestination("10.0.0.21")),)
    assert [r.kind for r in node_routes(node(), [], mapping)] == ["ssh"]


def test_a_node_with_no_way_at_all() -> None:
    assert node_routes(node("lonely", ""), [], NODES) == ()
    assert node_routes(node("lonely", "0.0.0.0"), [], NODES) == ()


def test_the_address_is_taken_without_its_port_and_ipv6_brackets() -> None:
    assert node_routes(node(address="10.0.0.21:2377"))[0].target == "10.0.0.21"
    assert node_routes(node(address="[fd00::21]:2377"))[0].target == "fd00::21"


def test_a_password_in_an_engine_url_is_never_shown() -> None:
    route = NodeRoute("dind", "dind", "machine x", engine_url="tcp://u:hunter2@h:2375")
    assert "hunter2" not in route.target


def test_node_access_reads_the_store_at_each_call() -> None:
    store = FakeStore([dind("worker1", "10.0.0.21")])
    access = NodeAccess(store.list, NODES, lambda: "unix:///var/run/docker.sock")
    assert [r.kind for r in access.routes(node())] == ["dind", "ssh", "address-ssh"]
    store.records = [dind("worker1", "10.0.0.21", url="tcp://127.0.0.1:40000")]
    assert access.routes(node())[0].engine_url == "tcp://127.0.0.1:40000"
    assert store.reads == 2
    me = node("manager1", "10.0.0.11", "nodeid-m1", is_self=True)
    assert access.routes(me)[0].engine_url == "unix:///var/run/docker.sock"


def test_node_access_reads_the_store_once_for_the_whole_pane() -> None:
    store = FakeStore([dind("worker1", "10.0.0.21"), dind("worker2", "10.0.0.22")])
    access = NodeAccess(store.list, NODES)
    nodes = [node(), node("worker2", "10.0.0.22", "nodeid-worker2"), node("db-1", "", "n-db")]
    routes = access.routes_of(nodes)
    assert store.reads == 1
    assert [r.label for r in routes["nodeid-worker1"]] == ["dind", "mapped", "ssh 10.0.0.21"]
    assert [r.label for r in routes["nodeid-worker2"]] == ["dind", "mapped", "ssh 10.0.0.22"]
    assert [r.label for r in routes["n-db"]] == ["context"]


def test_node_access_without_a_store_or_with_a_damaged_one() -> None:
    assert [r.kind for r in NodeAccess(None, NODES).routes(node())] == ["ssh", "address-ssh"]
    store = FakeStore([], error="The machine store is damaged")
    access = NodeAccess(store.list, NODES)
    assert [r.kind for r in access.routes(node())] == ["ssh", "address-ssh"]
    assert access.store_problem == "The machine store is damaged"
    store.error = ""
    access.routes(node())
    assert access.store_problem == ""


def test_node_access_reads_a_real_store(tmp_path: Path) -> None:
    store = MachineStore(tmp_path / "machines.json")
    store.add(ssh_machine("worker1", "10.0.0.21", ssh_host="10.0.0.21"))
    [route, *_] = NodeAccess(store.list).routes(node())
    assert route.label == "ssh worker1"
    assert route.ssh is not None and route.ssh.login == "admin@10.0.0.21"
