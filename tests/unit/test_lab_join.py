"""A lab node's join that outlasts the engine's own wait (a busy machine) goes on in the
background: the lab waits for it instead of failing."""

from __future__ import annotations

from typing import Any

import docker
import pytest
import requests

from swarmtui.adapters.docker import lab
from swarmtui.adapters.docker.lab import LabError, LabNode

BACKGROUND = (
    "Timeout was reached before node joined. The attempt to join the swarm will continue in "
    'the background. Use the "docker info" command to see the current swarm status of your node.'
)


def _api_error(status: int, explanation: str) -> docker.errors.APIError:
    response = requests.Response()
    response.status_code = status
    return docker.errors.APIError("join", response=response, explanation=explanation)


class JoiningEngine:
    """Answers `info` with the states given, one per call (the last one repeated)."""

    def __init__(self, states: list[str]) -> None:
        self.states = states

    def info(self) -> dict[str, Any]:
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        return {"Swarm": {"LocalNodeState": state}}


NODE = LabNode(name="worker1", role="worker", address="10.0.0.3", api_url="", container_id="")


def test_a_join_that_goes_on_in_the_background_is_told_apart() -> None:
    assert lab._join_goes_on(_api_error(503, BACKGROUND))
    assert not lab._join_goes_on(_api_error(503, "Manager is being prepared"))
    assert not lab._join_goes_on(_api_error(500, BACKGROUND))


def test_the_lab_waits_for_a_background_join(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.sleep", lambda _: None)
    lab._wait_joined(JoiningEngine(["pending", "pending", "active"]), NODE)


def test_a_background_join_that_fails_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.sleep", lambda _: None)
    with pytest.raises(LabError, match=r"worker1 did not join the swarm \(its state: error\)"):
        lab._wait_joined(JoiningEngine(["pending", "error"]), NODE)
