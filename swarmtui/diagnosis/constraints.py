"""Swarm placement constraints, parsed and matched against nodes as the manager does.

The rules follow swarmkit's manager/constraint/constraint.go (engine 20.10): the first of
`==` then `!=` found in the text splits it; keys and values are compared without regard to
case, but the name of a label after `node.labels.` or `engine.labels.` is case sensitive; a
missing label reads as the empty string (so `node.labels.x!=y` holds on a node without x); a
key the manager does not know fails on every node.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from swarmtui.core.mapping import json_get
from swarmtui.core.models import Node

OPERATORS = ("==", "!=")
NODE_LABEL_PREFIX = "node.labels."
ENGINE_LABEL_PREFIX = "engine.labels."
_KEY = re.compile(r"^[a-z_][a-z0-9\-_.]+$", re.IGNORECASE)
_VALUE = re.compile(r"^[a-z0-9:\-_\s.*()?+\[\]\\^$|/]+$", re.IGNORECASE)


@dataclass(frozen=True)
class Constraint:
    key: str
    operator: str  # == or !=
    value: str

    def __str__(self) -> str:
        return f"{self.key}{self.operator}{self.value}"


@dataclass(frozen=True)
class ConstraintCheck:
    """One constraint against one node: whether it holds and what the node has there."""

    constraint: Constraint
    satisfied: bool
    node_value: str  # what the node has for the key; "" when it has nothing
    known_key: bool = True


def parse_constraint(text: str) -> Constraint:
    """One constraint such as `node.labels.disk == ssd`; ValueError when the manager would
    refuse it."""
    for operator in OPERATORS:
        if operator not in text:
            continue
        key, value = (part.strip() for part in text.split(operator, 1))
        if not _KEY.match(key):
            raise ValueError(f"key '{key}' is invalid")
        if not _VALUE.match(value):
            raise ValueError(f"value '{value}' is invalid")
        return Constraint(key, operator, value)
    raise ValueError(f"constraint expected one operator from {', '.join(OPERATORS)}")


def parse_constraints(texts: list[str] | tuple[str, ...]) -> list[Constraint]:
    return [parse_constraint(text) for text in texts]


def _has_prefix(key: str, prefix: str) -> bool:
    return len(key) > len(prefix) and key[: len(prefix)].casefold() == prefix


def node_value(constraint: Constraint, node: Node) -> str | None:
    """What NODE has for the constraint's key; None for a key the manager does not know."""
    key = constraint.key.casefold()
    raw = node.raw
    if key == "node.id":
        return node.id
    if key == "node.hostname":
        return node.hostname
    if key == "node.ip":
        return node.address
    if key == "node.role":
        return node.role
    if key == "node.platform.os":
        return str(json_get(raw, "Description", "Platform", "OS", default=""))
    if key == "node.platform.arch":
        return str(json_get(raw, "Description", "Platform", "Architecture", default=""))
    if _has_prefix(constraint.key, NODE_LABEL_PREFIX):
        return dict(node.labels).get(constraint.key[len(NODE_LABEL_PREFIX) :], "")
    if _has_prefix(constraint.key, ENGINE_LABEL_PREFIX):
        labels = json_get(raw, "Description", "Engine", "Labels", default={})
        return str(labels.get(constraint.key[len(ENGINE_LABEL_PREFIX) :], ""))
    return None


def _ip_matches(expected: str, address: str) -> bool | None:
    """node.ip takes one address or a CIDR subnet; None when the text is neither (the
    manager then fails the node whatever the operator)."""
    try:
        node_ip = ipaddress.ip_address(address)
    except ValueError:
        node_ip = None
    try:
        return node_ip is not None and node_ip == ipaddress.ip_address(expected)
    except ValueError:
        pass
    try:
        network = ipaddress.ip_network(expected, strict=False)
    except ValueError:
        return None
    return node_ip is not None and node_ip in network


def check(constraint: Constraint, node: Node) -> ConstraintCheck:
    value = node_value(constraint, node)
    if value is None:
        return ConstraintCheck(constraint, False, "", known_key=False)
    if constraint.key.casefold() == "node.ip":
        within = _ip_matches(constraint.value, value)
        if within is None:
            return ConstraintCheck(constraint, False, value)
        return ConstraintCheck(constraint, within == (constraint.operator == "=="), value)
    equal = constraint.value.casefold() == value.casefold()
    return ConstraintCheck(constraint, equal == (constraint.operator == "=="), value)


def failing(constraints: list[Constraint], node: Node) -> list[ConstraintCheck]:
    """The constraints NODE does not satisfy (all of them, not only the first)."""
    checks = (check(constraint, node) for constraint in constraints)
    return [result for result in checks if not result.satisfied]
