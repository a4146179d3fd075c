"""Reading and writing one key deep inside a ServiceSpec, leaving every other key alone."""

from __future__ import annotations

import copy
from typing import Any

Spec = dict[str, Any]
Path = tuple[str, ...]

# When the CLI has to create one of these objects it starts from swarmkit's defaults, so that
# setting one field does not silently zero the others (Parallelism 0 means all at once).
SECOND = 10**9
CREATED_WITH_DEFAULTS: dict[Path, Spec] = {
    ("TaskTemplate", "RestartPolicy"): {"Condition": "any", "Delay": 5 * SECOND, "MaxAttempts": 0},
    ("UpdateConfig",): {
        "Parallelism": 1,
        "FailureAction": "pause",
        "Monitor": 5 * SECOND,
        "MaxFailureRatio": 0,
        "Order": "stop-first",
    },
    ("RollbackConfig",): {
        "Parallelism": 1,
        "FailureAction": "pause",
        "Monitor": 5 * SECOND,
        "MaxFailureRatio": 0,
        "Order": "stop-first",
    },
}
CONTAINER: Path = ("TaskTemplate", "ContainerSpec")
PLACEMENT: Path = ("TaskTemplate", "Placement")


def lookup(spec: Spec, path: Path) -> Any:
    """The value at PATH, None when any key on the way is missing."""
    node: Any = spec
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def object_at(spec: Spec, path: Path) -> Spec:
    """The object at PATH, as the engine would use it: swarmkit's defaults when absent."""
    found = lookup(spec, path)
    if isinstance(found, dict):
        return found
    return dict(CREATED_WITH_DEFAULTS.get(path, {}))


def ensure(spec: Spec, path: Path) -> Spec:
    """The object at PATH, created (with swarmkit's defaults where the CLI uses them)."""
    node = spec
    for depth, key in enumerate(path, start=1):
        child = node.get(key)
        if not isinstance(child, dict):
            child = copy.deepcopy(CREATED_WITH_DEFAULTS.get(path[:depth], {}))
            node[key] = child
        node = child
    return node


def put(spec: Spec, path: Path, value: Any) -> None:
    """Set the key at PATH; None removes it (Go's omitempty: the zero value is not sent)."""
    parent = ensure(spec, path[:-1])
    if value is None:
        parent.pop(path[-1], None)
    else:
        parent[path[-1]] = value


def put_list(parent: Spec, key: str, items: list[Any]) -> None:
    """An emptied list leaves the spec, as Go's omitempty leaves it out."""
    if items:
        parent[key] = items
    else:
        parent.pop(key, None)
