"""Keys that arrive together reach the screen and field they were meant for.

The installed console runs in a real pseudo-terminal against the lab swarm; every key
sequence is written in ONE write(), as an SSH link, a paste or tmux send-keys delivers it.
Each test asserts the engine's state afterwards (or, for views that change nothing, the
screen). Before the key gate, the scale burst left the replicas unchanged and the form
burst lost the image and put the command into Replicas.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.pty_console import CTRL_P, CTRL_R, CTRL_S, CTRL_U, DOWN, ENTER, TAB, PtyConsole
from helpers.swarm import IMAGE_V2, create_service, inspect_service, services_named

from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab

ENGINE_TIMEOUT = 90.0


def wait_engine(check: Callable[[], bool], what: str, timeout: float = ENGINE_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"the engine never reached: {what}")


def replicas(client: Any, service_id: str) -> int | None:
    mode = inspect_service(client, service_id)["Spec"]["Mode"]
    count = mode.get("Replicated", {}).get("Replicas")
    return None if count is None else int(count)


def sleeper(name: str, count: int = 1) -> dict[str, Any]:
    return {
        "Name": name,
        "TaskTemplate": {"ContainerSpec": {"Image": WORKLOAD_IMAGE, "Args": ["sleep", "1d"]}},
        "Mode": {"Replicated": {"Replicas": count}},
    }


@pytest.fixture
def console(lab_swarm: Lab, tmp_path: Path) -> Iterator[PtyConsole]:
    home = tmp_path / "home"
    home.mkdir()
    with PtyConsole(["--host", lab_swarm.manager_url], home) as running:
        running.wait_for("manager1", what="the nodes pane")
        yield running


@pytest.fixture
def service(manager_client: Any, prefix: str) -> tuple[str, str]:
    """(id, name) of a one-replica service of this test's, shown by the console."""
    name = f"{prefix}-svc"
    return create_service(manager_client, sleeper(name)), name


def select_service(name: str) -> str:
    """Keys that put the services pane's cursor on NAME (the filter keeps only it)."""
    return f"2/{name}{ENTER}"


def test_scale_burst(console: PtyConsole, manager_client: Any, service: tuple[str, str]) -> None:
    service_id, name = service
    console.wait_for(service_id[:12], what=name)
    console.write(select_service(name) + "s" + CTRL_U + "3" + ENTER)
    wait_engine(lambda: replicas(manager_client, service_id) == 3, f"{name} scaled to 3")


def test_pane_switches_then_scale_in_one_burst(
    console: PtyConsole, manager_client: Any, service: tuple[str, str]
) -> None:
    """Focus moved to the tasks pane and back (each switch redraws the footer's keys), then
    the scale form, all in one write: `s` reaches the services pane, the form gets the rest,
    and the footer ends with the services pane's keys."""
    service_id, name = service
    console.wait_for(service_id[:12], what=name)
    console.write(select_service(name) + "3" + "2" + "3" + "2" + "s" + CTRL_U + "2" + ENTER)
    wait_engine(lambda: replicas(manager_client, service_id) == 2, f"{name} scaled to 2")
    footer = console.wait_for(
        lambda text: "s Scale" in text.rstrip().splitlines()[-1], what="the services keys"
    )
    assert "a History" not in footer.rstrip().splitlines()[-1]


def test_scale_at_80x24(lab_swarm: Lab, tmp_path: Path, manager_client: Any, prefix: str) -> None:
    name = f"{prefix}-small"
    service_id = create_service(manager_client, sleeper(name))
    home = tmp_path / "home"
    home.mkdir()
    with PtyConsole(["--host", lab_swarm.manager_url], home, cols=80, rows=24) as console:
        console.wait_for(service_id[:12], what=name)
        console.write(select_service(name) + "s" + CTRL_U + "2" + ENTER)
        wait_engine(lambda: replicas(manager_client, service_id) == 2, f"{name} scaled to 2")


def test_image_burst(
    console: PtyConsole, manager_client: Any, service: tuple[str, str], image_v2: str
) -> None:
    service_id, name = service
    console.wait_for(service_id[:12], what=name)
    console.write(select_service(name) + "u" + CTRL_U + image_v2 + ENTER)

    def image() -> str:
        spec = inspect_service(manager_client, service_id)["Spec"]
        return str(spec["TaskTemplate"]["ContainerSpec"]["Image"])

    wait_engine(lambda: image().startswith(IMAGE_V2), f"{name} on {IMAGE_V2}")


def test_confirmation_declined_then_other_keys(
    console: PtyConsole, manager_client: Any, service: tuple[str, str]
) -> None:
    """enter on the focused Cancel declines; the keys after it act on the main screen."""
    service_id, name = service
    console.write(select_service(name) + "x" + ENTER + "s" + CTRL_U + "2" + ENTER)
    wait_engine(lambda: replicas(manager_client, service_id) == 2, f"{name} scaled to 2")
    assert name in services_named(manager_client, name), "declined removal removed the service"


def test_confirmation_accepted(
    console: PtyConsole, manager_client: Any, service: tuple[str, str]
) -> None:
    _, name = service
    console.write(select_service(name) + "x" + TAB + ENTER)
    wait_engine(lambda: name not in services_named(manager_client, name), f"{name} removed")


def test_create_form_burst(console: PtyConsole, manager_client: Any, prefix: str) -> None:
    """The issue's sequence: image, tab, name, tab tab, ctrl+u 2, tab, command, ctrl+s."""
    name = f"{prefix}-new"
    console.write(
        "2c" + WORKLOAD_IMAGE + TAB + name + TAB + TAB + CTRL_U + "2" + TAB + "sleep 7777" + CTRL_S
    )
    wait_engine(lambda: name in services_named(manager_client, name), f"{name} created")
    spec = services_named(manager_client, name)[name]["Spec"]
    container = spec["TaskTemplate"]["ContainerSpec"]
    assert container["Image"].startswith(WORKLOAD_IMAGE)
    assert spec["Mode"]["Replicated"]["Replicas"] == 2
    assert container.get("Args", []) == ["sleep", "7777"] or container.get("Command") == [
        "sleep",
        "7777",
    ]


def test_palette_then_scale(
    console: PtyConsole, manager_client: Any, service: tuple[str, str]
) -> None:
    """ctrl+p, the service's name, enter jumps to it; the scale keys after it apply there."""
    service_id, name = service
    console.wait_for(service_id[:12], what=name)
    console.write(CTRL_P + name + ENTER + "s" + CTRL_U + "4" + ENTER)
    wait_engine(lambda: replicas(manager_client, service_id) == 4, f"{name} scaled to 4")


def test_node_labels_and_menu_burst(console: PtyConsole, manager_client: Any, prefix: str) -> None:
    """Labels modal and the node menu's confirmation, each in one burst, on worker2."""
    label = f"burst-{prefix[-6:]}"

    def node() -> dict[str, Any]:
        found = manager_client.api.nodes(filters={"name": "worker2"})
        assert len(found) == 1
        return dict(found[0])

    try:
        console.write(f"1/worker2{ENTER}l{CTRL_U}{label}=yes{ENTER}")
        wait_engine(lambda: node()["Spec"].get("Labels", {}).get(label) == "yes", f"label {label}")
        # m: the menu (first choice "Set availability pause"), enter, then confirm it.
        console.write(f"m{ENTER}{TAB}{ENTER}")
        wait_engine(lambda: node()["Spec"]["Availability"] == "pause", "worker2 paused")
    finally:
        spec = node()["Spec"]
        spec.get("Labels", {}).pop(label, None)
        spec["Availability"] = "active"
        manager_client.api.update_node(node()["ID"], node()["Version"]["Index"], spec)


def test_filter_burst_moves_the_cursor(
    console: PtyConsole, manager_client: Any, prefix: str
) -> None:
    """`/`, text, enter, then a move and a scale: the filter keeps two rows, the cursor moves
    to the second, and the scale applies to it, not to the first."""
    first = create_service(manager_client, sleeper(f"{prefix}-a"))
    second = create_service(manager_client, sleeper(f"{prefix}-b"))
    console.wait_for(second[:12], what="the second service")
    console.write(f"2/{prefix}-{ENTER}g{DOWN}s{CTRL_U}3{ENTER}")
    wait_engine(lambda: replicas(manager_client, second) == 3, "the second service scaled")
    assert replicas(manager_client, first) == 1


def test_log_search_burst(console: PtyConsole, manager_client: Any, prefix: str) -> None:
    """L, `/`, a pattern, enter and F in one burst: the logs of the service, only the
    lines that match."""
    name = f"{prefix}-talk"
    spec = sleeper(name)
    spec["TaskTemplate"]["ContainerSpec"]["Args"] = [
        "sh",
        "-c",
        "i=0; while true; do i=$((i+1)); echo line-$i; echo needle-$i; sleep 0.5; done",
    ]
    service_id = create_service(manager_client, spec)
    console.wait_for(service_id[:12], what=name)
    console.write(f"{select_service(name)}L/needle{ENTER}F")

    def only_matches(screen: str) -> bool:
        return "needle-" in screen and re.search(r"line-\d", screen) is None

    console.wait_for(only_matches, what="only the lines that match /needle")


def test_image_update_then_rollback_in_one_burst(
    console: PtyConsole, manager_client: Any, service: tuple[str, str], image_v2: str
) -> None:
    """u, a new image, enter, then b and its confirmation: the keys after enter wait for the
    update to be sent, then roll it back on the main screen."""
    service_id, name = service
    console.wait_for(service_id[:12], what=name)
    console.write(select_service(name) + "u" + CTRL_U + image_v2 + ENTER + "b" + TAB + ENTER)

    def images() -> tuple[str, str]:
        data = inspect_service(manager_client, service_id)
        previous = data.get("PreviousSpec", {}).get("TaskTemplate", {}).get("ContainerSpec", {})
        current = data["Spec"]["TaskTemplate"]["ContainerSpec"]
        return str(current["Image"]), str(previous.get("Image", ""))

    wait_engine(
        lambda: images()[0].startswith(WORKLOAD_IMAGE) and images()[1].startswith(IMAGE_V2),
        f"{name} updated to {IMAGE_V2}, then rolled back",
    )


def test_force_redeploy_confirmed(
    console: PtyConsole, manager_client: Any, service: tuple[str, str]
) -> None:
    service_id, name = service
    console.wait_for(service_id[:12], what=name)
    console.write(select_service(name) + "f" + TAB + ENTER)

    def force_count() -> int:
        spec = inspect_service(manager_client, service_id)["Spec"]
        return int(spec["TaskTemplate"].get("ForceUpdate", 0))

    wait_engine(lambda: force_count() == 1, f"{name} redeployed")


def test_rotate_the_worker_token_confirmed(console: PtyConsole, manager_client: Any) -> None:
    """T, ctrl+r and the confirmation in one burst: the engine's worker token changes, the
    manager token does not."""

    def tokens() -> tuple[str, str]:
        found = manager_client.api.inspect_swarm()["JoinTokens"]
        return str(found["Worker"]), str(found["Manager"])

    worker, manager = tokens()
    console.write("T" + CTRL_R + TAB + ENTER)
    wait_engine(lambda: tokens()[0] != worker, "a new worker token")
    assert tokens()[1] == manager


def test_object_forms_bursts(console: PtyConsole, manager_client: Any, prefix: str) -> None:
    """The config form (name, value, enter), the network form (name, ctrl+s) and a network's
    removal with its confirmation, each in one burst."""
    short = prefix.split("-test-")[0]  # whole in the panes' name column
    config, network = f"{short}-cfg", f"{short}-net"

    def configs() -> list[str]:
        return [c.name for c in manager_client.configs.list(filters={"name": config})]

    def networks() -> list[str]:
        return [n.name for n in manager_client.networks.list(names=[network])]

    try:
        console.write(f"6c{config}{TAB}{TAB}burst-data{ENTER}")
        wait_engine(lambda: config in configs(), f"config {config} created")
        console.write(f"7c{network}{CTRL_S}")
        wait_engine(lambda: network in networks(), f"network {network} created")
        console.wait_for(network, what="the new network in the networks pane")
        console.write(f"7/^{network}${ENTER}x{TAB}{ENTER}")
        wait_engine(lambda: network not in networks(), f"network {network} removed")
    finally:
        for found in manager_client.configs.list(filters={"name": config}):
            found.remove()
        for found in manager_client.networks.list(names=[network]):
            found.remove()
