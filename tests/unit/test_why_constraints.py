"""Swarm placement constraints matched against nodes with the manager's rules."""

from __future__ import annotations

import pytest
from helpers.engine_json import node

from swarmtui.core.models import Node
from swarmtui.diagnosis.constraints import Constraint, failing, parse_constraint

WORKER = node(
    "lab-worker-1",
    labels={"disk": "ssd", "Zone": "eu-1"},
    engine_labels={"storage": "fast"},
    address="10.0.3.7",
)
MANAGER = node("lab-manager-1", role="manager", address="10.0.1.2")


def holds(text: str, on: Node = WORKER) -> bool:
    return not failing([parse_constraint(text)], on)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("node.labels.disk==ssd", True),
        ("node.labels.disk == SSD", True),  # values: any case
        ("NODE.LABELS.disk==ssd", True),  # the prefix: any case
        ("node.labels.DISK==ssd", False),  # the label's name: exact case
        ("node.labels.Zone==eu-1", True),
        ("node.labels.disk!=ssd", False),
        ("node.labels.gpu!=yes", True),  # a missing label reads as ""
        ("node.labels.gpu==yes", False),
        ("node.hostname==LAB-WORKER-1", True),
        ("node.hostname!=lab-worker-1", False),
        ("node.id==id-lab-worker-1-0000000000000000", True),
        ("node.role==Worker", True),
        ("node.role==manager", False),
        ("node.platform.os==linux", True),
        ("node.platform.arch==x86_64", True),
        ("node.platform.arch==amd64", False),  # no normalising here, unlike platforms
        ("engine.labels.storage==fast", True),
        ("engine.labels.storage!=fast", False),
        ("node.ip==10.0.3.7", True),
        ("node.ip==10.0.3.0/24", True),
        ("node.ip!=10.0.3.0/24", False),
        ("node.ip!=10.9.0.0/16", True),
        ("node.ip==not-an-address", False),
        ("node.ip!=not-an-address", False),  # malformed: fails whatever the operator
        ("node.zone==eu", False),  # a key the manager does not know fails everywhere
        ("node.zone!=eu", False),
    ],
)
def test_constraints_on_a_worker(text: str, expected: bool) -> None:
    assert holds(text) is expected


def test_a_manager() -> None:
    assert holds("node.role==manager", MANAGER)
    assert not holds("node.labels.disk==ssd", MANAGER)


def test_parse_splits_at_the_first_operator_found_in_order() -> None:
    assert parse_constraint("  node.labels.a == b ") == Constraint("node.labels.a", "==", "b")
    assert parse_constraint("node.role!=manager") == Constraint("node.role", "!=", "manager")
    assert str(parse_constraint("node.role != manager")) == "node.role!=manager"


@pytest.mark.parametrize(
    "text", ["node.role=manager", "node.labels.a==b>c", "1node==x", "node.labels.a==", "==x"]
)
def test_what_the_manager_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"invalid|operator"):
        parse_constraint(text)


def test_failing_lists_every_failed_constraint_with_the_node_value() -> None:
    constraints = [
        parse_constraint(text)
        for text in ("node.labels.disk==hdd", "node.role==worker", "node.labels.gpu==yes")
    ]
    found = failing(constraints, WORKER)
    assert [(str(c.constraint), c.node_value) for c in found] == [
        ("node.labels.disk==hdd", "ssd"),
        ("node.labels.gpu==yes", ""),
    ]
