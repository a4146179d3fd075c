"""A service listed again at the same version and task counts is the same Service object."""

from __future__ import annotations

import copy
from typing import Any

from swarmtui.adapters.docker.known_services import KnownServices
from swarmtui.demo.cluster import SERVICES_JSON


def listing() -> list[dict[str, Any]]:
    """The demo's services as the engine would send them again (other dicts, same data)."""
    return copy.deepcopy(SERVICES_JSON)


def test_the_same_version_and_counts_give_the_same_object() -> None:
    known = KnownServices()
    first = known.listed(listing())
    again = known.listed(listing())
    assert all(a is b for a, b in zip(first, again, strict=True))


def test_a_new_version_or_other_counts_map_again() -> None:
    known = KnownServices()
    first = known.listed(listing())
    data = listing()
    data[0]["Version"]["Index"] += 1
    data[1].setdefault("ServiceStatus", {})["RunningTasks"] = 99
    again = known.listed(data)
    assert again[0] is not first[0] and again[0].version == first[0].version + 1
    assert again[1] is not first[1] and again[1].replicas_running == 99
    assert all(a is b for a, b in zip(first[2:], again[2:], strict=True))
    assert known.one(data[1]) is again[1]  # one service fetched alone: the same object


def test_services_no_longer_listed_are_forgotten() -> None:
    known = KnownServices()
    first = known.listed(listing())
    known.listed(listing()[1:])
    assert known.one(listing()[0]) is not first[0]
