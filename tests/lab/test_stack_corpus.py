"""swarmtui's `stack deploy` against the docker CLI's, on the corpus of real-world stack files
(tests/data/stacks/corpus/<case>/, described by each case.toml).

Each case goes through the same cycle with each tool, under its own stack name: deploy,
update (`-c` the files plus an override changing an image tag, a replica count and an
environment value: services updated in place, spec version up), `--prune` with a file set
that lacks one service, remove (nothing of the stack left, external objects untouched). After
each phase every service spec, network, secret and config of the stack is read back from the
engine and compared field by field, after the normalisations listed in helpers/stack_state.py.

The comparison is proved on the reference itself: two `docker stack deploy` runs under
different names compare equal, and a deliberate change is reported at its path.

No task ever runs: every node of the lab is drained while the module runs, and both tools
deploy with `--resolve-image never`, so no node asks a registry for the images the files name
(tasks stay pending; the specs are complete). Cycles run one after the other: two stacks of
the same case would compete for the same published ports, subnets and `name:`d objects.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest
from helpers.stack_state import (
    StackSnapshot,
    differences,
    remove_services_and_tasks,
    remove_stack_objects,
    snapshot,
    stack_objects,
    wait_stack_gone,
)
from helpers.stack_tools import CorpusCase, DockerCli, Output, Swarmtui, corpus_cases
from helpers.swarm import drained_nodes

from swarmtui.adapters.docker.lab import Lab

CASES = corpus_cases()
CASE_IDS = [case.name for case in CASES]
PHASES = ("deployed", "updated", "pruned")
EXTERNAL_LABEL = "com.example.corpus-external"


class Deployer(Protocol):
    name: str

    def deploy(
        self, case: CorpusCase, files: tuple[str, ...], stack: str, *, prune: bool = False
    ) -> Output: ...

    def remove(self, stack: str) -> Output: ...


@dataclass(frozen=True)
class Run:
    """One tool's cycle through a case: the stack after each phase, and what it printed."""

    tool: str
    stack: str
    deployed: StackSnapshot
    updated: StackSnapshot
    pruned: StackSnapshot
    outputs: dict[str, Output]
    seconds: float


def log(message: str) -> None:
    print(f"[corpus] {message}", file=sys.stderr, flush=True)


@pytest.fixture(scope="module")
def drained_lab(lab_swarm: Lab, manager_client: Any) -> Iterator[str]:
    """The lab's manager URL, every node drained while the module runs."""
    with drained_nodes(manager_client):
        yield lab_swarm.manager_url


@pytest.fixture(scope="module")
def external_objects(drained_lab: str, manager_client: Any) -> Iterator[None]:
    """The networks, secrets and configs the corpus declares `external`, made beforehand as
    an operator would, and removed after the module."""
    api = manager_client.api
    labels = {EXTERNAL_LABEL: "true"}
    _remove_externals(api)
    try:
        for name in sorted({n for case in CASES for n in case.external_networks}):
            api.create_network(name, driver="overlay", attachable=True, labels=labels)
        for name, data in _merged(case.external_secrets for case in CASES).items():
            api.create_secret(name, data.encode(), labels=labels)
        for name, data in _merged(case.external_configs for case in CASES).items():
            api.create_config(name, data.encode(), labels=labels)
        yield
    finally:
        _remove_externals(api)


def _merged(mappings: Any) -> dict[str, str]:
    merged: dict[str, str] = {}
    for mapping in mappings:
        merged.update(mapping)
    return merged


def _remove_externals(api: Any) -> None:
    where = {"label": EXTERNAL_LABEL}
    for secret in api.secrets(filters=where):
        api.remove_secret(secret["ID"])
    for config in api.configs(filters=where):
        api.remove_config(config["ID"])
    for network in api.networks(filters=where):
        api.remove_network(network["Id"])


def _externals(api: Any) -> dict[str, list[str]]:
    where = {"label": EXTERNAL_LABEL}
    return {
        "networks": sorted(n["Name"] for n in api.networks(filters=where)),
        "secrets": sorted(s["Spec"]["Name"] for s in api.secrets(filters=where)),
        "configs": sorted(c["Spec"]["Name"] for c in api.configs(filters=where)),
    }


@pytest.fixture(scope="module")
def reference_runs() -> dict[str, Run]:
    """The docker CLI's run of each case, made once for the module's tests."""
    return {}


@pytest.fixture
def reference(
    case: CorpusCase,
    reference_runs: dict[str, Run],
    drained_lab: str,
    external_objects: None,
    manager_client: Any,
    run_id: str,
) -> Run:
    if case.name not in reference_runs:
        stack = stack_name(run_id, case, "ref")
        reference_runs[case.name] = run_cycle(DockerCli(drained_lab), case, stack, manager_client)
    return reference_runs[case.name]


def stack_name(run_id: str, case: CorpusCase, role: str) -> str:
    return f"c{run_id}{CASES.index(case):02d}{role}"


def run_cycle(tool: Deployer, case: CorpusCase, stack: str, client: Any) -> Run:
    """TOOL's deploy, update, prune and remove of CASE as STACK; the stack after each."""
    started = time.monotonic()
    externals_before = _externals(client.api)
    remove_stack_objects(client, stack)  # what an interrupted earlier run left
    outputs: dict[str, Output] = {}

    def step(phase: str, output: Output) -> None:
        outputs[phase] = output
        assert output.code == 0, f"{tool.name} {phase} of {case.name} as {stack}:\n{output.text()}"

    try:
        step("deploy", tool.deploy(case, case.deploy, stack))
        deployed = snapshot(client, stack)
        step("update", tool.deploy(case, case.update, stack))
        updated = snapshot(client, stack)
        assert_updated_in_place(deployed, updated, tool.name)
        assert_update_changed_what_it_should(deployed, updated, case)
        step("prune", tool.deploy(case, case.prune, stack, prune=True))
        pruned = snapshot(client, stack)
        assert_one_service_pruned(updated, pruned, tool.name)
        if isinstance(tool, DockerCli):
            # `docker stack rm` removes the networks right after the services, while their
            # tasks still exist: engine 20.10 then loses ingress addresses for good (see
            # remove_services_and_tasks). The reference's services go first, the CLI removes
            # the rest. swarmtui's own `stack rm` must wait for the tasks by itself.
            remove_services_and_tasks(client, stack)
        step("remove", tool.remove(stack))
        wait_stack_gone(client, stack)
        assert _externals(client.api) == externals_before, f"{tool.name} touched externals"
    finally:
        remove_stack_objects(client, stack)
    seconds = time.monotonic() - started
    log(f"{case.name}: {tool.name} as {stack}: {seconds:.1f} s")
    return Run(tool.name, stack, deployed, updated, pruned, outputs, seconds)


def assert_updated_in_place(before: StackSnapshot, after: StackSnapshot, tool: str) -> None:
    for name, service_id in before.service_ids.items():
        assert after.service_ids.get(name) == service_id, f"{tool} recreated {name}"
        assert after.service_versions[name] > before.service_versions[name], (
            f"{tool} did not update {name}: version {before.service_versions[name]} kept"
        )


def assert_update_changed_what_it_should(
    before: StackSnapshot, after: StackSnapshot, case: CorpusCase
) -> None:
    """The case's update changes an image tag, a replica count and an environment value."""
    changed = "\n".join(differences(before.state, after.state))
    for what in ("com.docker.stack.image", "Replicas", "ContainerSpec.Env"):
        assert what in changed, f"the update of {case.name} changes no {what}:\n{changed}"


def assert_one_service_pruned(before: StackSnapshot, after: StackSnapshot, tool: str) -> None:
    gone = set(before.service_ids) - set(after.service_ids)
    assert len(gone) == 1, f"{tool} --prune removed {sorted(gone)}, expected one service"
    assert set(after.service_ids) <= set(before.service_ids), f"{tool} --prune created services"
    for name in after.service_ids:
        assert after.service_ids[name] == before.service_ids[name], f"{tool} recreated {name}"


def comparison(reference: Run, other: Run) -> list[str]:
    """Every difference between two runs, phase by phase, as `phase: path: ref vs other`."""
    found: list[str] = []
    for phase in PHASES:
        left = getattr(reference, phase).state
        right = getattr(other, phase).state
        found += [f"after {phase}: {line}" for line in differences(left, right)]
    return found


def assert_same(reference: Run, other: Run) -> None:
    found = comparison(reference, other)
    header = f"{other.tool} ({other.stack}) vs {reference.tool} ({reference.stack}):"
    assert not found, "\n".join([header, *found])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_two_cli_deploys_compare_equal(
    case: CorpusCase, reference: Run, drained_lab: str, manager_client: Any, run_id: str
) -> None:
    """The normalisation is right: the reference under another name compares equal."""
    again = run_cycle(DockerCli(drained_lab), case, stack_name(run_id, case, "cli"), manager_client)
    assert_same(reference, again)


def test_comparison_reports_a_deliberate_difference(
    drained_lab: str, external_objects: None, manager_client: Any, run_id: str, tmp_path: Path
) -> None:
    """A changed parallelism and an added variable show up, at their paths, and nothing else."""
    case = next(c for c in CASES if c.name == "rolling")
    change = tmp_path / "deliberate.yml"
    change.write_text(
        'version: "3.8"\nservices:\n  api:\n    environment: [DELIBERATE=1]\n'
        "    deploy:\n      update_config:\n        parallelism: 7\n",
        encoding="utf-8",
    )
    cli = DockerCli(drained_lab)
    first, second = stack_name(run_id, case, "dl1"), stack_name(run_id, case, "dl2")
    try:
        assert cli.deploy(case, case.deploy, first).code == 0
        plain = snapshot(manager_client, first)
        remove_stack_objects(manager_client, first)
        changed_files = (*case.deploy, str(change))
        assert cli.deploy(case, changed_files, second).code == 0
        changed = snapshot(manager_client, second)
    finally:
        remove_stack_objects(manager_client, first)
        remove_stack_objects(manager_client, second)
    assert differences(plain.state, changed.state) == [
        "services.<STACK>_api.TaskTemplate.ContainerSpec.Env: <absent> vs ['DELIBERATE=1']",
        "services.<STACK>_api.UpdateConfig.Parallelism: 2 vs 7",
    ]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_swarmtui_deploy_matches_the_cli(
    case: CorpusCase,
    reference: Run,
    drained_lab: str,
    manager_client: Any,
    run_id: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    swarmtui = Swarmtui(drained_lab, monkeypatch)
    ours = run_cycle(swarmtui, case, stack_name(run_id, case, "tui"), manager_client)
    assert_same(reference, ours)
    ignored = ignored_keys(reference.outputs["deploy"].err)
    said = ours.outputs["deploy"].out + ours.outputs["deploy"].err
    assert all(key in said for key in ignored), (
        f"the CLI warned about {ignored}; swarmtui said:\n{said}"
    )


def ignored_keys(cli_stderr: str) -> list[str]:
    """The keys of the CLI's `Ignoring unsupported options: build, restart` warning."""
    for line in cli_stderr.splitlines():
        if line.startswith("Ignoring unsupported options:"):
            return [key.strip() for key in line.split(":", 1)[1].split(",")]
    return []


def test_nothing_of_the_corpus_stacks_is_left(manager_client: Any, run_id: str) -> None:
    """Run last in the module: every stack it made is gone."""
    stacks = [
        stack_name(run_id, case, role)
        for case in CASES
        for role in ("ref", "cli", "tui", "dl1", "dl2")
    ]
    left = {stack: stack_objects(manager_client, stack) for stack in stacks}
    assert not {stack: objects for stack, objects in left.items() if any(objects.values())}
