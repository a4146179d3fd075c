"""Sort keys of the panes' columns: real values where the cell text would sort wrongly."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from swarmtui.core.models import PortSpec, ScopeKind, TaskScope
from swarmtui.demo.cluster import DemoBackend
from swarmtui.display.columns import NODE_COLUMNS, SERVICE_COLUMNS, TASK_COLUMNS
from swarmtui.display.sorting import (
    MISSING,
    SERVICE_SORT_KEYS,
    TASK_SORT_KEYS,
    SortOrder,
    natural_key,
    ports_key,
    replicas_key,
    reverse_sort,
    state_age_key,
    step_sort,
    timestamp_key,
)

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def ordered(values: list[str]) -> list[str]:
    return sorted(values, key=natural_key)


# Natural, case-insensitive text ---------------------------------------------------------------


def test_natural_order_puts_numbers_in_number_order() -> None:
    assert ordered(["web10", "web9", "web2", "web1"]) == ["web1", "web2", "web9", "web10"]
    assert ordered(["p-s10", "p-s9", "p-s2"]) == ["p-s2", "p-s9", "p-s10"]
    assert ordered(["web.10", "web.2", "web.1"]) == ["web.1", "web.2", "web.10"]  # task slots


def test_natural_order_ignores_case() -> None:
    assert ordered(["beta", "Alpha", "gamma", "Delta"]) == ["Alpha", "beta", "Delta", "gamma"]
    assert natural_key("Web") == natural_key("web")


def test_natural_order_of_versions_and_leading_digits() -> None:
    versions = ["24.0.7", "20.10.24+dfsg1", "9.3.1", "20.10.3"]
    assert ordered(versions) == ["9.3.1", "20.10.3", "20.10.24+dfsg1", "24.0.7"]
    assert ordered(["10abc", "2abc", "abc"]) == ["2abc", "10abc", "abc"]  # digits before text
    assert ordered(["a1b", "a", "a1"]) == ["a", "a1", "a1b"]  # a prefix first


def test_empty_text_sorts_last_and_never_raises() -> None:
    assert natural_key("") == MISSING
    assert ordered(["", "Leader", "", "Reachable"]) == ["Leader", "Reachable", "", ""]
    # Any two keys of one column compare, whatever mix of digits and letters they hold.
    mixed = ["1", "a", "", "a1", "1a", "1.2", "-", "½", "٣"]
    assert len(ordered(mixed)) == len(mixed)


def test_sort_is_stable_for_equal_keys() -> None:
    rows = [("x", "Web"), ("y", "web"), ("z", "WEB"), ("a", "api")]
    assert [k for k, _ in sorted(rows, key=lambda r: natural_key(r[1]))] == ["a", "x", "y", "z"]
    reverse = sorted(rows, key=lambda r: natural_key(r[1]), reverse=True)
    assert [k for k, _ in reverse] == ["x", "y", "z", "a"]  # equal keys: still x, y, z


# Replicas -------------------------------------------------------------------------------------


def test_replicas_sort_numerically_running_then_desired() -> None:
    counts = {"2/3": (2, 3), "10/10": (10, 10), "9/12": (9, 12), "2/2": (2, 2), "0/1": (0, 1)}
    texts = sorted(counts, key=lambda t: replicas_key(*counts[t]))
    assert texts == ["0/1", "2/2", "2/3", "9/12", "10/10"]  # as text, "10/10" would be second


def test_unknown_replicas_sort_last() -> None:
    keys = [replicas_key(None, 3), replicas_key(1, 1), replicas_key(2, None)]
    assert sorted(keys) == [replicas_key(1, 1), MISSING, MISSING]


# Ages and timestamps --------------------------------------------------------------------------


def test_timestamps_sort_oldest_first() -> None:
    ages = {"2 days ago": 2 * 86400, "5 minutes ago": 300, "1 hour ago": 3600, "9 seconds": 9}
    texts = sorted(ages, key=lambda t: timestamp_key(NOW - timedelta(seconds=ages[t])))
    assert texts == ["2 days ago", "1 hour ago", "5 minutes ago", "9 seconds"]
    assert sorted([timestamp_key(None), timestamp_key(NOW)]) == [timestamp_key(NOW), MISSING]


def test_current_state_sorts_by_state_then_age() -> None:
    since = {"old": NOW - timedelta(hours=2), "new": NOW - timedelta(seconds=5)}
    keys = {
        "Running 5 seconds ago": state_age_key("running", since["new"]),
        "Running 2 hours ago": state_age_key("running", since["old"]),
        "Failed 5 seconds ago": state_age_key("failed", since["new"]),
        "Pending": state_age_key("pending", None),
    }
    assert sorted(keys, key=lambda t: keys[t]) == [
        "Failed 5 seconds ago",
        "Pending",
        "Running 2 hours ago",  # "2 hours" before "5 seconds": by time, not by text
        "Running 5 seconds ago",
    ]


# Ports ----------------------------------------------------------------------------------------


def port(published: int, target: int, protocol: str = "tcp") -> PortSpec:
    return PortSpec(published, target, protocol, "ingress")


def test_ports_sort_by_number() -> None:
    services = {
        "*:8080->80/tcp": (port(8080, 80),),
        "*:443->443/tcp": (port(443, 443),),
        "*:80->8080/tcp": (port(80, 8080),),
        "*:80->80/udp": (port(80, 80, "udp"),),
        "*:80->80/tcp, *:9000->9000/tcp": (port(80, 80), port(9000, 9000)),
        "": (),
    }
    texts = sorted(services, key=lambda t: ports_key(services[t]))
    assert texts == [
        "*:80->80/tcp, *:9000->9000/tcp",
        "*:80->80/udp",
        "*:80->8080/tcp",
        "*:443->443/tcp",  # as text, 443 would sort before 80
        "*:8080->80/tcp",
        "",  # no ports: last
    ]


# Which columns sort by a real value -----------------------------------------------------------


def test_real_value_columns_exist_and_id_columns_do_not_sort() -> None:
    service_keys = {c.key for c in SERVICE_COLUMNS}
    task_keys = {c.key for c in TASK_COLUMNS}
    assert set(SERVICE_SORT_KEYS) == {"replicas", "ports"} <= service_keys
    assert set(TASK_SORT_KEYS) == {"current"} <= task_keys
    for columns in (NODE_COLUMNS, SERVICE_COLUMNS, TASK_COLUMNS):
        assert [c.key for c in columns if not c.sortable] == ["id"]


def test_sort_keys_of_the_demo_objects() -> None:
    demo = DemoBackend()
    services = {s.name: s for s in demo.services()}
    replicas = SERVICE_SORT_KEYS["replicas"]
    assert replicas(services["helloworld"]) < replicas(services["web"])  # 2/2 < 2/3
    web = services["web"]
    assert replicas(replace(web, replicas_running=10)) > replicas(web)  # 10/3 > 2/3
    ports = SERVICE_SORT_KEYS["ports"]
    assert ports(web) < ports(services["monitor"]) == MISSING
    scope = TaskScope(ScopeKind.SERVICE, services["helloworld"].id, "helloworld", history=True)
    tasks = sorted(demo.tasks(scope), key=TASK_SORT_KEYS["current"])
    assert [(t.state, t.state_since) for t in tasks] == sorted(
        (t.state, t.state_since) for t in tasks
    )


# Stepping through the columns -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "step", "expected"),
    [
        (None, 1, SortOrder("name")),  # the first `>` sorts by the first column
        (SortOrder("name"), 1, SortOrder("mode")),
        (SortOrder("mode", descending=True), 1, SortOrder("replicas")),  # ascending again
        (SortOrder("replicas"), 1, None),  # past the last: the pane's own order
        (None, -1, SortOrder("replicas")),
        (SortOrder("name"), -1, None),
        (SortOrder("gone"), 1, SortOrder("name")),  # an unknown column counts as unsorted
    ],
)
def test_step_sort(start: SortOrder | None, step: int, expected: SortOrder | None) -> None:
    assert step_sort(start, ["name", "mode", "replicas"], step) == expected


def test_reverse_sort() -> None:
    columns = ["name", "mode"]
    assert reverse_sort(SortOrder("mode"), columns) == SortOrder("mode", descending=True)
    assert reverse_sort(SortOrder("mode", True), columns) == SortOrder("mode")
    assert reverse_sort(None, columns) == SortOrder("name", descending=True)
    assert reverse_sort(None, []) is None and step_sort(None, [], 1) is None
