"""Planning a shell in a task: the shell, the equivalent command, the refusals, masking."""

from __future__ import annotations

import shlex
from dataclasses import replace

import pytest
from helpers.models import TASK, make_node, make_task

from swarmtui.core.models import Node, Task
from swarmtui.core.node_access import SshDestination
from swarmtui.nodes.exec_plan import (
    BASH_PROBE,
    READ_ONLY_EXEC_MESSAGE,
    SHELL_PICKER,
    ExecPlan,
    ExecRefused,
    ShellChoice,
    choose_shell,
    exec_plans,
    mask_command,
    plan_node_shell,
    plan_task_exec,
    shell_after_probe,
    shell_candidates,
)
from swarmtui.nodes.routes import NodeRoute

CONTAINER = TASK.container_id
SHORT = CONTAINER[:12]


def task(state: str = "running", desired: str = "running", container: str = CONTAINER) -> Task:
    exit_code = 0 if state == "complete" else None
    return make_task(
        state=state, desired_state=desired, container_id=container, exit_code=exit_code
    )


def node(status: str = "ready") -> Node:
    return make_node(status=status)


SSH_WORKER1 = NodeRoute("ssh", "mapped", "[nodes] 'worker1'", ssh=SshDestination("worker1"))
SSH_MACHINE = NodeRoute(
    "ssh",
    "ssh worker1",
    "machine worker1",
    ssh=SshDestination("10.0.0.21", "admin", 2222, "/home/me/.ssh/id_swarm", "ops@bastion"),
    sudo=True,
)
DIND = NodeRoute(
    "dind", "dind", "machine lab-w1", engine_url="tcp://127.0.0.1:32801", machine_container="lab-w1"
)
CONTEXT = NodeRoute("context", "context", "[nodes] 'db-1'", context="prod-db")
ADDRESS = NodeRoute("address-ssh", "ssh 10.0.0.21", "node address", ssh=SshDestination("10.0.0.21"))
SH = ShellChoice(("sh",), "config")


def plan(route: NodeRoute = SSH_WORKER1, shell: ShellChoice = SH) -> ExecPlan:
    return plan_task_exec(task(), node(), route, shell, label="web.1")


# The equivalent command ----------------------------------------------------------------


def test_ssh_route_is_docker_exec_over_ssh_with_a_tty() -> None:
    p = plan()
    assert p.display == f"ssh -t worker1 docker exec -it {SHORT} sh"
    assert p.remote_command == f"docker exec -it {SHORT} sh"
    assert (p.node, p.task, p.container_id) == ("worker1", "web.1", CONTAINER)


def test_ssh_machine_route_carries_port_key_jump_and_sudo() -> None:
    p = plan(SSH_MACHINE)
    assert p.remote_command == f"sudo -n docker exec -it {SHORT} sh"
    assert p.display == (
        "ssh -t -p 2222 -i /home/me/.ssh/id_swarm -J ops@bastion admin@10.0.0.21 "
        f"sudo -n docker exec -it {SHORT} sh"
    )


def test_dind_route_is_docker_exec_on_the_published_engine() -> None:
    p = plan(DIND)
    assert p.display == f"docker -H tcp://127.0.0.1:32801 exec -it {SHORT} sh"
    assert p.remote_command == ""


def test_context_route() -> None:
    assert plan(CONTEXT).display == f"docker --context prod-db exec -it {SHORT} sh"


def test_a_typed_command_with_spaces_is_one_quoted_remote_word() -> None:
    shell = choose_shell("sh -c 'cd /srv && ls -l'")
    p = plan(ADDRESS, shell)
    assert p.argv == ("sh", "-c", "cd /srv && ls -l")
    assert p.remote_command == f"docker exec -it {SHORT} sh -c 'cd /srv && ls -l'"
    # what a local shell would run: ssh gets the remote line as one word, unchanged
    words = shlex.split(p.display)
    assert words[:3] == ["ssh", "-t", "10.0.0.21"]
    assert words[3:] == [p.remote_command]
    assert shlex.split(words[3]) == ["docker", "exec", "-it", SHORT, *p.argv]


def test_the_auto_shell_before_and_after_the_probe() -> None:
    p = plan(DIND, choose_shell())
    assert p.shell == ShellChoice((), "auto")
    assert p.shell.needs_probe
    assert p.argv == SHELL_PICKER  # a replayable command even before the probe answered
    assert p.display == shlex.join(
        ["docker", "-H", "tcp://127.0.0.1:32801", "exec", "-it", SHORT, *SHELL_PICKER]
    )
    bash = p.with_shell(shell_after_probe(0, "/bin/bash\n"))
    assert bash.display == f"docker -H tcp://127.0.0.1:32801 exec -it {SHORT} bash"
    assert bash.shell == ShellChoice(("bash",), "auto")
    assert not bash.shell.needs_probe
    sh = p.with_shell(shell_after_probe(1, ""))
    assert sh.display.endswith(f"exec -it {SHORT} sh")


def test_the_probe_asks_sh_for_bash_without_a_tty() -> None:
    assert BASH_PROBE == ("sh", "-c", "command -v bash || true")
    assert plan(SSH_MACHINE).remote_probe == (
        f"sudo -n docker exec {SHORT} sh -c 'command -v bash || true'"
    )
    assert plan(ADDRESS).remote_probe == f"docker exec {SHORT} sh -c 'command -v bash || true'"
    assert plan(DIND).remote_probe == ""  # the engine runs BASH_PROBE itself


@pytest.mark.parametrize("code", [126, 127])
def test_an_image_without_sh_is_refused_plainly(code: int) -> None:
    with pytest.raises(ExecRefused) as raised:
        shell_after_probe(code, 'OCI runtime exec failed: exec: "sh": executable file not found')
    assert "no shell" in raised.value.message
    assert "[exec] command" in raised.value.message


def test_a_zero_exit_without_output_is_no_bash() -> None:
    assert shell_after_probe(0, "  \n") == ("sh",)


# The shell choice rule -----------------------------------------------------------------


def test_typed_beats_configured_beats_auto() -> None:
    assert choose_shell("ash -l", ("bash",)) == ShellChoice(("ash", "-l"), "typed")
    assert choose_shell("", ("bash", "-l")) == ShellChoice(("bash", "-l"), "config")
    assert choose_shell("   ", ("bash",)) == ShellChoice(("bash",), "config")
    assert choose_shell() == ShellChoice((), "auto")


@pytest.mark.parametrize(("typed", "word"), [("sh -c 'oops", "closing quotation"), ("''", "no")])
def test_a_typed_command_that_cannot_run(typed: str, word: str) -> None:
    with pytest.raises(ExecRefused) as raised:
        choose_shell(typed)
    assert word in raised.value.message


# Refusals ------------------------------------------------------------------------------


def refusal(
    t: Task | None = None,
    n: Node | None = None,
    route: NodeRoute | None = SSH_WORKER1,
    **flags: bool,
) -> str:
    with pytest.raises(ExecRefused) as raised:
        plan_task_exec(t or task(), n, route, SH, label="web.1", **flags)
    return raised.value.message


def test_read_only_refuses_unless_allowed() -> None:
    assert refusal(n=node(), read_only=True) == READ_ONLY_EXEC_MESSAGE
    assert "allow_exec_in_read_only = true" in READ_ONLY_EXEC_MESSAGE
    allowed = plan_task_exec(
        task(), node(), SSH_WORKER1, SH, read_only=True, allow_in_read_only=True
    )
    assert allowed.route == SSH_WORKER1


def test_read_only_is_refused_before_anything_else() -> None:
    assert refusal(task("failed"), None, None, read_only=True) == READ_ONLY_EXEC_MESSAGE


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (task("pending", container=""), "Task web.1 has no container yet: it is pending."),
        (task("assigned", container=""), "Task web.1 has no container yet: it is assigned."),
        (
            task("complete", "shutdown"),
            "Task web.1 is complete, exit code 0, not running: there is no process to open "
            "a shell in.",
        ),
        (
            task("failed", "shutdown"),
            "Task web.1 is failed, not running: there is no process to open a shell in.",
        ),
        (task("running", "shutdown"), "Task web.1 is being stopped (desired state shutdown)."),
        (task("running", container=""), "Task web.1 has no container yet."),
    ],
)
def test_tasks_that_have_no_shell_to_open(t: Task, expected: str) -> None:
    assert refusal(t, node()) == expected


def test_the_task_id_names_an_unlabelled_task() -> None:
    with pytest.raises(ExecRefused) as raised:
        plan_task_exec(task("pending", container=""), node(), SSH_WORKER1, SH)
    assert "Task taskid012345 " in raised.value.message


def test_a_node_gone_down_or_unreachable() -> None:
    assert "not in the swarm any more (nodeid-worke)" in refusal(n=None)
    assert refusal(n=node("down")) == "Node worker1 is down: its engine does not answer the swarm."
    unreachable = refusal(n=node(), route=None)
    assert unreachable.startswith("No way to reach the engine of node worker1:")
    assert '"worker1" = "user@host"' in unreachable


def test_one_plan_per_route_best_first() -> None:
    plans = exec_plans(task(), node(), (SSH_MACHINE, ADDRESS), SH, label="web.1")
    assert [p.route for p in plans] == [SSH_MACHINE, ADDRESS]
    assert {p.argv for p in plans} == {("sh",)}
    with pytest.raises(ExecRefused) as raised:
        exec_plans(task(), node(), (), SH)
    assert raised.value.message.startswith("No way to reach")
    with pytest.raises(ExecRefused):
        exec_plans(task("failed"), node(), (ADDRESS,), SH)


def test_a_service_offers_its_running_tasks_by_slot() -> None:
    two = replace(task(), id="t2", slot=2)
    one = replace(task(), id="t1", slot=1)
    stopping = replace(task("running", "shutdown"), id="t3", slot=3)
    failed = replace(task("failed", "shutdown"), id="t4", slot=1)
    starting = replace(task("starting", container=""), id="t5", slot=5)
    assert shell_candidates("web", [two, stopping, failed, one, starting]) == [one, two]
    global_a = replace(task(), id="ga", slot=None, node_id="n2")
    global_b = replace(task(), id="gb", slot=None, node_id="n1")
    assert shell_candidates("agent", (global_a, global_b)) == [global_b, global_a]
    with pytest.raises(ExecRefused) as raised:
        shell_candidates("web", [failed, starting])
    assert raised.value.message == "Service web has no running task to open a shell in."


# Masking -------------------------------------------------------------------------------


def test_a_typed_secret_is_masked_in_the_journal() -> None:
    shell = choose_shell(
        "env DB_PASSWORD=s3cret API_TOKEN='t0k en' mysql --password hunter2 -u root"
    )
    p = plan(ADDRESS, shell)
    assert "s3cret" in p.display  # shown to the user who typed it
    journal = p.journal_text
    for secret in ("s3cret", "t0k", "hunter2"):
        assert secret not in journal
    assert "DB_PASSWORD=***" in journal
    assert "--password ***" in journal
    assert "-u root" in journal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "docker -H tcp://admin:pw@h:2375 exec -it c sh",
            "docker -H tcp://admin:***@h:2375 exec -it c sh",
        ),
        ("psql --token=abc.def", "psql --token=***"),
        ('run SECRET_KEY="a b" x', "run SECRET_KEY=*** x"),
        ("echo SWMTKN-1-abc123-def456", "echo SWMTKN-1-<masked>"),
        ("ls -l /etc/passwd", "ls -l /etc/passwd"),
        ("env HOME=/root sh", "env HOME=/root sh"),
    ],
)
def test_mask_command(text: str, expected: str) -> None:
    assert mask_command(text) == expected


def test_an_engine_url_password_never_reaches_the_journal() -> None:
    route = replace(DIND, engine_url="tcp://admin:pw@10.0.0.5:2375")
    assert "pw@" not in plan(route).journal_text


# Node shells ---------------------------------------------------------------------------


def test_a_node_shell_over_ssh_is_a_login_or_the_typed_command() -> None:
    routes = (CONTEXT, SSH_MACHINE, ADDRESS)
    login = plan_node_shell(node(), routes, choose_shell())
    assert login.route == SSH_MACHINE
    assert login.display == (
        "ssh -t -p 2222 -i /home/me/.ssh/id_swarm -J ops@bastion admin@10.0.0.21"
    )
    top = plan_node_shell(node(), (ADDRESS,), choose_shell("top -d 5"))
    assert top.display == "ssh -t 10.0.0.21 top -d 5"


def test_a_dind_node_shell_is_in_its_container_on_the_local_engine() -> None:
    shell = plan_node_shell(node(), (DIND, ADDRESS), choose_shell())
    assert shell.route == DIND
    assert shell.display == shlex.join(["docker", "exec", "-it", "lab-w1", *SHELL_PICKER])


def test_a_node_reached_only_through_an_engine_api_has_no_host_shell() -> None:
    with pytest.raises(ExecRefused) as raised:
        plan_node_shell(node(), (CONTEXT,), choose_shell())
    assert "opens no shell on the host" in raised.value.message
    with pytest.raises(ExecRefused) as raised:
        plan_node_shell(node(), (), choose_shell())
    assert raised.value.message.startswith("No way to reach")
    with pytest.raises(ExecRefused) as raised:
        plan_node_shell(node(), (ADDRESS,), choose_shell(), read_only=True)
    assert raised.value.message == READ_ONLY_EXEC_MESSAGE
