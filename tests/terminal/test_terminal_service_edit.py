"""The service edit in a real pseudo-terminal on the lab: `E` on a service and the whole edit
(fields reached with tab, values typed) written in one write(); the update line shown under
the form, ctrl+s, the engine's spec read back. Then ctrl+e with $EDITOR set to a small script
that edits the YAML file: the console hands the terminal over, reads the file back, asks, and
posts only what the script changed."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from helpers.pty_console import CTRL_E, CTRL_S, ENTER, TAB, PtyConsole
from helpers.swarm import Spec, create_service, inspect_service
from helpers.waiting import wait_for

from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab

NEVER = "node.labels.swarmtui-never==1"  # tasks stay pending: nothing runs, nothing is pulled
SECOND = 1_000_000_000
EDITOR_SCRIPT = """#!/bin/sh
# What a user does in $EDITOR: change two keys of the spec, save, quit.
sed -i -e 's/StopGracePeriod: 1000000000/StopGracePeriod: 7000000000/' \\
       -e 's/Replicas: 1$/Replicas: 2/' "$1"
"""


def pending_service(name: str) -> Spec:
    return {
        "Name": name,
        "Labels": {"team": "web"},
        "TaskTemplate": {
            "ContainerSpec": {
                "Image": WORKLOAD_IMAGE,
                "Args": ["sleep", "1d"],
                "StopGracePeriod": SECOND,
            },
            "Placement": {"Constraints": [NEVER]},
        },
        "Mode": {"Replicated": {"Replicas": 1}},
    }


def changed(client: Any, service_id: str, spec: Spec) -> Spec | None:
    """The service's spec once it is no longer SPEC."""
    now: Spec = inspect_service(client, service_id)["Spec"]
    return now if now != spec else None


def port_of(prefix: str) -> int:
    return 34500 + int(prefix.split("-")[0][1:], 16) % 500


def test_an_edit_typed_in_one_burst_then_one_in_the_editor(
    lab_swarm: Lab, tmp_path: Path, manager_client: Any, prefix: str
) -> None:
    service_id = create_service(manager_client, pending_service(prefix))
    original = inspect_service(manager_client, service_id)["Spec"]
    home = tmp_path / "home"
    home.mkdir()
    editor = tmp_path / "editor.sh"
    editor.write_text(EDITOR_SCRIPT)
    editor.chmod(0o755)
    port = port_of(prefix)
    with PtyConsole(
        ["--host", lab_swarm.manager_url], home, extra_env={"EDITOR": str(editor)}
    ) as console:
        console.wait_for(service_id[:12], what="the service in the services pane")
        # Image focused; tab: replicas, command, env (name and mode cannot change), ports.
        console.write(f"2/^{prefix}${ENTER}E{TAB}{TAB}{TAB}X=1{TAB}{port}:80")
        line = f"docker service update --env-add X=1 --publish-add published={port},target=80"
        console.wait_for(line, what="the update line under the form")
        console.write(CTRL_S)
        spec = wait_for(lambda: changed(manager_client, service_id, original), 60, "the edit")
        expected = copy.deepcopy(original)
        expected["TaskTemplate"]["ContainerSpec"]["Env"] = ["X=1"]
        expected["EndpointSpec"] = {
            "Mode": "vip",  # the engine's default, filled in with the new EndpointSpec
            **original.get("EndpointSpec", {}),
            "Ports": [
                {
                    "Protocol": "tcp",
                    "TargetPort": 80,
                    "PublishedPort": port,
                    "PublishMode": "ingress",
                }
            ],
        }
        expected["EndpointSpec"]["Ports"][0]["PublishMode"] = "ingress"  # as the engine says
        assert spec == expected

        console.write("E")
        console.wait_for(f"Edit service {prefix}", what="the edit form again")
        console.write(CTRL_E)
        # (the form's own footer says "Cancel" too: wait for what only the confirmation shows)
        console.wait_for("--replicas 2", what="the confirmation of the YAML edit")
        console.write(f"{TAB}{ENTER}")
        try:
            spec = wait_for(lambda: changed(manager_client, service_id, spec), 60, "the YAML edit")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; screen:\n{console.text()}") from None
    expected["TaskTemplate"]["ContainerSpec"]["StopGracePeriod"] = 7 * SECOND
    expected["Mode"]["Replicated"]["Replicas"] = 2
    assert spec == expected
