"""How the nodes pane says a node's engine is reached: the first route that opens, a new
SSH host key (never confirmed by the check), every route failing, no route at all."""

from __future__ import annotations

from helpers.fake_shells import Connector, FakeConnection
from helpers.models import make_node

from swarmtui.core.node_access import NodeMapping, SshDestination
from swarmtui.machines.model import HostKeyUnknown
from swarmtui.nodes.routes import NodeAccess, NodeRoute
from swarmtui.session.node_reach import NodeReach, NodeReachability

WORKER = make_node()
NO_ADDRESS = make_node(id="nodeid-far", hostname="far", address="")
MAPPED = NodeMapping("worker*", SshDestination("w1.example"))


def test_the_first_route_that_opens_is_shown_and_closed() -> None:
    connect = Connector(failing=("mapped",))
    reach = NodeReachability(NodeAccess(None, (MAPPED,)), connect)
    assert reach.unchecked([WORKER, NO_ADDRESS]) == [WORKER, NO_ADDRESS]
    found = reach.check([WORKER, NO_ADDRESS])
    assert found == {WORKER.id: NodeReach("ok", "ssh 10.0.0.21"), NO_ADDRESS.id: NodeReach("none")}
    assert connect.tried == ["mapped", "ssh 10.0.0.21"]
    assert all(c.closed and not c.calls for c in connect.opened)
    assert reach.unchecked([WORKER, NO_ADDRESS]) == []
    assert [found[n.id].text for n in (WORKER, NO_ADDRESS)] == ["ssh 10.0.0.21", "none"]


def test_a_new_host_key_is_shown_not_trusted() -> None:
    accepted: list[tuple[str, ...]] = []

    def unknown(route: NodeRoute, accept: tuple[str, ...]) -> FakeConnection:
        accepted.append(accept)
        raise HostKeyUnknown("w1.example", "SHA256:x", "ssh-ed25519")

    reach = NodeReachability(NodeAccess(None, (MAPPED,)), unknown)
    (found,) = reach.check([WORKER]).values()
    assert (found.state, found.text) == ("key", "mapped (new key)")
    assert accepted == [()]


def test_every_route_failing_shows_the_last_one_and_r_checks_again() -> None:
    connect = Connector(failing=("mapped", "ssh 10.0.0.21"))
    reach = NodeReachability(NodeAccess(None, (MAPPED,)), connect)
    (found,) = reach.check([WORKER]).values()
    assert found.text == "✗ ssh 10.0.0.21"
    assert "refused" in found.detail
    reach.forget()
    assert reach.unchecked([WORKER]) == [WORKER]
