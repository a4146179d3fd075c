"""An object listed again at the same version (a service: and task counts) is the same object."""

from __future__ import annotations

import copy
from typing import Any

from swarmtui.adapters.docker.known_services import known_services, known_tasks
from swarmtui.demo.cluster import SERVICES_JSON, TASKS_JSON


def listing() -> list[dict[str, Any]]:
    """The demo's services as the engine would send them again (other dicts, same data)."""
    return copy.deepcopy(SERVICES_JSON)


def test_the_same_version_and_counts_give_the_same_object() -> None:
    known = known_services()
    first = known.listed(listing())
    again = known.listed(listing())
    assert all(a is b for a, b in zip(first, again, strict=True))


def test_a_new_version_or_other_counts_map_again() -> None:
    known = known_services()
    first = known.listed(listing())
    data = listing()
    data[0]["Version"]["Index"] += 1
    data[1].setdefault("ServiceStatus", {})["RunningTasks"] = 99
    again = known.listed(data)
    assert again[0] is not first[0] and again[0].version == first[0].version + 1
    assert again[1] is not first[1] and again[1].replicas_running == 99
    assert all(a is b for a, b in zip(first[2:], again[2:], strict=True))
    assert known.one(data[1]) is again[1]  # one service fetched alone: the same object


def test_tasks_are_told_apart_by_version() -> None:
    known = known_tasks()
    data = copy.deepcopy(TASKS_JSON)
    first = known.listed(data)
    again = copy.deepcopy(TASKS_JSON)
    again[0]["Version"] = {"Index": int((again[0].get("Version") or {}).get("Index", 0)) + 1}
    second = known.listed(again)
    assert second[0] is not first[0]
    assert all(a is b for a, b in zip(first[1:], second[1:], strict=True))
