"""Broken stack files (tests/data/stacks/bad/, described in expected.toml): swarmtui's
`stack deploy` refuses each with an error naming the file, the line and the key, and the swarm
is left exactly as it was (nothing of the stack, no object created or removed).

The table also records what the docker CLI does with each file; a test keeps that record
honest (the CLI fails half way on several: swarmtui must not). Every node of the lab is
drained meanwhile, so a deploy that wrongly went through would start no task.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from helpers.stack_state import remove_stack_objects, stack_objects
from helpers.stack_tools import BAD_FILES, DockerCli, deploy_args, run_swarmtui
from helpers.swarm import drained_nodes

from swarmtui.adapters.docker.lab import Lab

UNSET = ("CORPUS_BAD_DB_PASSWORD",)  # the variables the files require and nobody sets


@dataclass(frozen=True)
class BadFile:
    name: str
    files: tuple[str, ...]
    error: tuple[str, ...]
    cli_rejects: bool
    cli_leaves: tuple[str, ...]
    cli_may_leave: tuple[str, ...]
    stack: str | None


def bad_files() -> list[BadFile]:
    table = tomllib.loads((BAD_FILES / "expected.toml").read_text(encoding="utf-8"))
    return [
        BadFile(
            name=name,
            files=tuple(entry["files"]),
            error=tuple(entry["error"]),
            cli_rejects=bool(entry["cli_rejects"]),
            cli_leaves=tuple(entry.get("cli_leaves", ())),
            cli_may_leave=tuple(entry.get("cli_may_leave", ())),
            stack=entry.get("stack"),
        )
        for name, entry in table.items()
    ]


CASES = bad_files()


@pytest.fixture(scope="module")
def drained_lab(lab_swarm: Lab, manager_client: Any) -> Iterator[str]:
    with drained_nodes(manager_client):
        yield lab_swarm.manager_url


@pytest.fixture(autouse=True)
def required_variables_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)


def stack_of(case: BadFile, run_id: str) -> str:
    return case.stack or f"bad{run_id}{CASES.index(case):02d}"


def inventory(client: Any) -> dict[str, set[str]]:
    """The id of every service, network, secret and config on the swarm."""
    api = client.api
    return {
        "services": {s["ID"] for s in api.services()},
        "networks": {n["Id"] for n in api.networks()},
        "secrets": {s["ID"] for s in api.secrets()},
        "configs": {c["ID"] for c in api.configs()},
    }


def deploy_case(case: BadFile, stack: str) -> list[str]:
    return [*deploy_args([BAD_FILES / name for name in case.files]), stack]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_swarmtui_refuses_a_bad_file_and_changes_nothing(
    case: BadFile, drained_lab: str, manager_client: Any, run_id: str
) -> None:
    stack = stack_of(case, run_id)
    before = inventory(manager_client)
    try:
        output = run_swarmtui(["-H", drained_lab, *deploy_case(case, stack)])
        assert output.code == 1, output.text()
        missing = [part for part in case.error if part not in output.err]
        assert not missing, f"the error lacks {missing}:\n{output.err}"
        assert not any(stack_objects(manager_client, stack).values())
        assert inventory(manager_client) == before
    finally:
        remove_stack_objects(manager_client, stack)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_cli_does_what_the_table_records(
    case: BadFile, drained_lab: str, manager_client: Any, run_id: str
) -> None:
    """The record of the reference: whether `docker stack deploy` refuses the file, and what
    it leaves behind when it fails half way (STACK: the stack's name)."""
    stack = stack_of(case, run_id)
    cli = DockerCli(drained_lab)
    try:
        output = cli.run(deploy_case(case, stack), dict(os.environ))
        assert (output.code != 0) == case.cli_rejects, output.text()
        left = {
            f"{kind[:-1]} {name.replace(stack, 'STACK', 1)}"
            for kind, names in stack_objects(manager_client, stack).items()
            for name in names
        }
        if case.cli_rejects:
            assert set(case.cli_leaves) <= left <= {*case.cli_leaves, *case.cli_may_leave}, left
    finally:
        remove_stack_objects(manager_client, stack)
