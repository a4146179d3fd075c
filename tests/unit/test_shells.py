"""The session's Shells with fake node connections: routes tried in order, the container
checked and the shell probed before the terminal is handed over, plain refusals, the
journal line when a shell ends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from helpers.fake_shells import Connector, FakeConnection
from helpers.models import make_node, make_task

from swarmtui.actions.journal import Journal
from swarmtui.core.config import Config
from swarmtui.core.node_access import NodeMapping, SshDestination
from swarmtui.machines.model import HostKeyUnknown
from swarmtui.nodes.exec_plan import BASH_PROBE, ExecRefused
from swarmtui.nodes.relay import RelayEnd
from swarmtui.nodes.routes import NodeAccess, NodeRoute
from swarmtui.session.shells import Shells, TerminalSpec

NODE = make_node()
TASK = make_task()
TERMINAL = TerminalSpec(100, 30, "xterm")
MAPPED = NodeMapping("worker1", SshDestination("w1.example", "ops"))


def shells(
    connect: Connector, config: Config | None = None, journal: Journal | None = None
) -> Shells:
    config = config or Config(nodes=(MAPPED,))
    access = NodeAccess(None, config.nodes)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    return Shells(config, journal or Journal(), lambda: now, access, connect)


def test_the_routes_are_tried_best_first_until_one_answers() -> None:
    connect = Connector(failing=("mapped",))
    opened = shells(connect).in_task(TASK, NODE, "web.1", "", TERMINAL)
    assert connect.tried == ["mapped", "ssh 10.0.0.21"]
    (connection,) = connect.opened
    assert connection.calls == [
        ("running", TASK.container_id),
        ("run", BASH_PROBE),
        ("shell", (("bash",), 100, 30, "xterm")),
    ]
    assert opened.what == "web.1 on worker1"
    assert opened.command == f"ssh -t 10.0.0.21 docker exec -it {TASK.container_id[:12]} bash"


def test_a_typed_command_needs_no_probe() -> None:
    connect = Connector()
    shells(connect).in_task(TASK, NODE, "web.1", "psql -U app", TERMINAL)
    assert [c[0] for c in connect.opened[0].calls] == ["running", "shell"]
    assert connect.opened[0].calls[-1][1] == (("psql", "-U", "app"), 100, 30, "xterm")


def test_no_bash_means_sh() -> None:
    connect = Connector(probe=(0, ""))
    opened = shells(connect).in_task(TASK, NODE, "web.1", "", TERMINAL)
    assert opened.command.endswith(" sh")


def test_every_route_failing_names_each_and_is_journalled() -> None:
    journal = Journal()
    with pytest.raises(ExecRefused) as refused:
        shells(Connector(failing=("mapped", "ssh 10.0.0.21")), journal=journal).in_task(
            TASK, NODE, "web.1", "", TERMINAL
        )
    assert refused.value.message == (
        "Cannot reach the engine of worker1: mapped: mapped refused the connection; "
        "ssh 10.0.0.21: ssh 10.0.0.21 refused the connection"
    )
    (entry,) = journal.entries
    assert not entry.ok and "docker exec -it" in entry.command


@pytest.mark.parametrize(
    ("running", "said"),
    [(None, "is gone from worker1"), (False, "is not running")],
)
def test_a_container_gone_or_stopped_is_said_and_the_connection_closed(
    running: bool | None, said: str
) -> None:
    connect = Connector(running=running)
    with pytest.raises(ExecRefused) as refused:
        shells(connect).in_task(TASK, NODE, "web.1", "", TERMINAL)
    assert said in refused.value.message
    assert connect.opened[0].closed


def test_an_image_without_sh_is_refused() -> None:
    connect = Connector(probe=(126, 'exec: "sh": executable file not found in $PATH'))
    with pytest.raises(ExecRefused) as refused:
        shells(connect).in_task(TASK, NODE, "web.1", "", TERMINAL)
    assert "no shell" in refused.value.message


def test_a_new_host_key_is_a_question_not_a_failure() -> None:
    journal = Journal()

    def unknown(route: NodeRoute, accept: tuple[str, ...]) -> FakeConnection:
        raise HostKeyUnknown("w1.example", "SHA256:abc", "ssh-ed25519")

    with pytest.raises(HostKeyUnknown):
        shells(unknown, journal=journal).in_task(  # type: ignore[arg-type]
            TASK, NODE, "web.1", "", TERMINAL
        )
    assert journal.entries == ()


def test_read_only_refuses_before_connecting_unless_allowed() -> None:
    connect = Connector()
    with pytest.raises(ExecRefused) as refused:
        shells(connect, Config(read_only=True)).in_task(TASK, NODE, "web.1", "", TERMINAL)
    assert "Read-only mode" in refused.value.message
    assert connect.tried == []
    allowed = Config(read_only=True, allow_exec_in_read_only=True, nodes=(MAPPED,))
    shells(connect, allowed).in_task(TASK, NODE, "web.1", "", TERMINAL)
    assert connect.tried == ["mapped"]


@pytest.mark.parametrize(
    ("end", "ok", "result", "message"),
    [
        (RelayEnd(0), True, "exit 0", "Shell in web.1 on worker1 ended (exit status 0)."),
        (RelayEnd(None), False, "connection to worker1 dropped", "The connection to worker1"),
        (RelayEnd(None, terminal_closed=True), False, "terminal closed", "the terminal closed"),
    ],
)
def test_the_end_is_journalled(end: RelayEnd, ok: bool, result: str, message: str) -> None:
    journal = Journal()
    connect = Connector()
    tried = shells(connect, journal=journal)
    opened = tried.in_task(TASK, NODE, "web.1", "", TERMINAL)
    assert not journal.entries
    said = tried.ended(opened, end)
    assert message in said
    (entry,) = journal.entries
    assert (entry.ok, entry.result) == (ok, result)
    assert connect.opened[0].closed


def test_a_node_shell_over_ssh_is_the_login_shell() -> None:
    connect = Connector()
    opened = shells(connect).on_node(NODE, "", TERMINAL)
    assert connect.opened[0].calls == [("host", ())]
    assert opened.command == "ssh -t ops@w1.example"


def test_without_node_access_shells_are_not_available() -> None:
    journal = Journal()
    bare = Shells(Config(), journal, lambda: datetime.now(UTC), None, None)
    with pytest.raises(ExecRefused) as refused:
        bare.in_task(TASK, NODE, "web.1", "", TERMINAL)
    assert "not available" in refused.value.message
