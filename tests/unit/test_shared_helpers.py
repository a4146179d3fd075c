"""The helpers that several modules share: JSON paths, what a user's search means, a running
machine's status from `docker info`, and that output read over SSH."""

from __future__ import annotations

import pytest

from swarmtui.adapters.ssh.preflight import info_json, sudo_prefix
from swarmtui.core.mapping import json_get
from swarmtui.core.search_pattern import search_pattern
from swarmtui.machines.model import MachineStatus, running_status

INFO = {"ServerVersion": "27.5.1", "Swarm": {"LocalNodeState": "active", "NodeID": "n1"}}


def test_json_get_follows_the_path_and_falls_back_on_missing_or_null() -> None:
    data = {"Spec": {"Mode": {"Replicated": {"Replicas": 3}}, "Labels": None}}
    assert json_get(data, "Spec", "Mode", "Replicated", "Replicas") == 3
    assert json_get(data, "Spec", "Labels", default={}) == {}
    assert json_get(data, "Spec", "Mode", "Global") is None
    assert json_get(data, "Spec", "Mode", "Replicated", "Replicas", "deeper", default=0) == 0


@pytest.mark.parametrize(
    ("typed", "line", "found"),
    [
        ("ERROR", "an error here", True),  # case-insensitive
        (r"seq=\d+", "seq=12", True),  # a regex
        ("a(b", "x a(b y", True),  # no valid regex: the text itself
        ("a(b", "ab", False),
        ("web.1", "web-1", True),  # a valid regex is a regex: "." is any character
    ],
)
def test_search_pattern_is_a_regex_or_else_the_text(typed: str, line: str, found: bool) -> None:
    assert (search_pattern(typed).search(line) is not None) is found


def test_running_status_reads_version_and_swarm_from_docker_info() -> None:
    status = running_status("w1", INFO, engine_url="tcp://127.0.0.1:1", address="10.0.0.2")
    assert status == MachineStatus(
        "w1",
        "running",
        engine_version="27.5.1",
        swarm_state="active",
        node_id="n1",
        engine_url="tcp://127.0.0.1:1",
        address="10.0.0.2",
    )
    assert running_status("w2", {"Swarm": None}) == MachineStatus("w2", "running")


def test_info_json_is_empty_for_what_is_no_json_object() -> None:
    assert info_json('{"ServerVersion": "27.5.1"}') == {"ServerVersion": "27.5.1"}
    assert info_json("Cannot connect to the Docker daemon") == {}
    assert info_json("[1, 2]") == {}
    assert (sudo_prefix(True), sudo_prefix(False)) == ("sudo -n ", "")
