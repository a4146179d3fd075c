"""The YAML side of the service edit without an engine: the spec as text, the edited text
checked, the edit as a patch re-applied to a spec that changed meanwhile, and the update line
naming the keys the form does not know."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from swarmtui.actions.service_edit import (
    SwarmNames,
    edit_service_spec,
    parse_spec_yaml,
    spec_patch,
    spec_yaml,
)
from swarmtui.actions.validation import InputError
from swarmtui.core.models import Service

SECOND = 10**9
SPEC: dict[str, Any] = {
    "Name": "web",
    "Labels": {"team": "web"},
    "TaskTemplate": {
        "ContainerSpec": {
            "Image": "swarmtui-workload:1",
            "Env": ["A=1"],
            "StopGracePeriod": 2 * SECOND,
        },
    },
    "Mode": {"Replicated": {"Replicas": 1}},
    "EndpointSpec": {"Ports": [{"TargetPort": 80, "PublishedPort": 8080, "Protocol": "tcp"}]},
}
WEB = Service("w1", "web", "replicated", 1, 1, "swarmtui-workload:1", (), None, None, "", 3)


def edited(change: str, by: str) -> str:
    text = spec_yaml(SPEC, 7)
    assert change in text
    return text.replace(change, by)


def test_the_text_names_the_service_and_reads_back_as_the_spec() -> None:
    text = spec_yaml(SPEC, 7)
    assert text.startswith("# The spec of service web (version 7).")
    assert yaml.safe_load(text) == SPEC
    assert parse_spec_yaml(text, SPEC) == SPEC
    assert not spec_patch(SPEC, SPEC).changes


def test_the_patch_holds_only_the_changed_keys_and_reapplies_them_to_a_newer_spec() -> None:
    new = parse_spec_yaml(
        edited("StopGracePeriod: 2000000000", "StopGracePeriod: 5000000000")
        .replace("team: web", "team: api")
        .replace("Replicas: 1", "Replicas: 4"),
        SPEC,
    )
    patch = spec_patch(SPEC, new)
    assert patch.paths == [
        "Labels.team",
        "TaskTemplate.ContainerSpec.StopGracePeriod",
        "Mode.Replicated.Replicas",
    ]
    newer = copy.deepcopy(SPEC)  # someone else changed the env meanwhile
    newer["TaskTemplate"]["ContainerSpec"]["Env"] = ["A=2"]
    result = patch.apply(newer)
    assert result["TaskTemplate"]["ContainerSpec"] == {
        "Image": "swarmtui-workload:1",
        "Env": ["A=2"],
        "StopGracePeriod": 5 * SECOND,
    }
    assert result["Labels"] == {"team": "api"} and result["Mode"] == {"Replicated": {"Replicas": 4}}
    assert newer["Labels"] == {"team": "web"}  # not modified in place


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        pytest.param("Name: [", "yaml", "does not parse: ", id="bad-yaml"),
        pytest.param("- a\n- b\n", "yaml", "must be a mapping", id="a-list"),
        pytest.param("Name: web\n", "yaml", "ContainerSpec is missing", id="no-container"),
        pytest.param(
            edited("Image: swarmtui-workload:1", "Image: ''"), "yaml", "Image is empty", id="image"
        ),
        pytest.param(edited("Name: web", "Name: api"), "name", "renamed", id="rename"),
        pytest.param(
            edited("PublishedPort: 8080", "PublishedPort: 99999"), "ports", "99999", id="port"
        ),
        pytest.param(edited("- A=1", "- 1A=1"), "env", "1A", id="env-key"),
        pytest.param(edited("- A=1", "- {A: 1}"), "yaml", "wrong shape", id="env-entry-not-text"),
    ],
)
def test_bad_text_is_refused_with_a_message(text: str, field: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_spec_yaml(text, SPEC)
    assert refused.value.field == field
    assert message in refused.value.message


def test_the_operation_shows_the_update_line_and_the_other_changed_keys() -> None:
    new = parse_spec_yaml(
        edited("StopGracePeriod: 2000000000", "StopGracePeriod: 5000000000").replace(
            "- A=1\n", "- A=1\n    - B=2\n"
        ),
        SPEC,
    )
    operation = edit_service_spec(WEB, SPEC, new, SwarmNames())
    assert operation.command == (
        "docker service update --env-add B=2 web  # and in the spec: "
        "TaskTemplate.ContainerSpec.StopGracePeriod"
    )
    assert operation.warning == (
        "Changed in the spec: TaskTemplate.ContainerSpec.Env, "
        "TaskTemplate.ContainerSpec.StopGracePeriod."
    )
