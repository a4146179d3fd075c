"""The order of a stack deploy and what a failure half way says (the demo's recording
mutator, one call made to fail; the engine's side is proven on the lab)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.demo.cluster import DemoMutator
from swarmtui.stacks.deploy import StackFailed, deploy_stack
from swarmtui.stacks.loader import load_stack
from swarmtui.stacks.plan import StackSource

STACK = """\
services:
  a: {image: alpine}
  b: {image: alpine, secrets: [pw]}
secrets:
  pw: {file: ./pw.txt}
"""


class FailingOn(DemoMutator):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.failing = service

    def create_service(self, spec: dict[str, Any]) -> str:
        if spec["Name"] == self.failing:
            raise BackendError(ProblemKind.ENGINE_ERROR, "no space left")
        return super().create_service(spec)


def plan_in(tmp_path: Path) -> Any:
    (tmp_path / "pw.txt").write_text("x")
    (tmp_path / "docker-stack.yml").write_text(STACK)
    return load_stack(StackSource("app", (tmp_path / "docker-stack.yml",)), {})


def test_objects_before_services_in_order(tmp_path: Path) -> None:
    engine = DemoMutator()
    report = deploy_stack(plan_in(tmp_path), engine, resolve_image="never")
    assert [s.text() for s in report.steps] == [
        "created network app_default",
        "created secret app_pw",
        "created service app_a",
        "created service app_b",
    ]
    specs: list[Any] = [args[0] for name, args in engine.calls if name == "create_service"]
    created = {spec["Name"]: spec for spec in specs}
    secret_ref = created["app_b"]["TaskTemplate"]["ContainerSpec"]["Secrets"][0]
    assert secret_ref["SecretID"] == engine.created[("secret", "app_pw")]


def test_a_failure_half_way_says_what_was_done_and_what_was_not(tmp_path: Path) -> None:
    with pytest.raises(StackFailed) as caught:
        deploy_stack(plan_in(tmp_path), FailingOn("app_b"), resolve_image="never")
    message = caught.value.message
    assert message.startswith("creating service app_b failed: no space left.")
    assert "Done: created network app_default, created secret app_pw, " in (message)
    assert "created service app_a." in message
    assert message.endswith("Not done: service app_b.")


def test_the_services_beside_a_failing_one_are_waited_for_and_reported(tmp_path: Path) -> None:
    """Services go a few at a time: the first failing does not hide the others' outcome."""
    engine = FailingOn("app_a")
    with pytest.raises(StackFailed) as caught:
        deploy_stack(plan_in(tmp_path), engine, resolve_image="never")
    message = caught.value.message
    assert message.startswith("creating service app_a failed: no space left.")
    assert "created service app_b." in message
    assert message.endswith("Not done: service app_a.")
    assert [s.text() for s in caught.value.report.steps][-1] == "created service app_b"
