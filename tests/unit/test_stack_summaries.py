"""Stacks summed up from a snapshot's services (swarmtui.display.stacks): no engine, no UI."""

from __future__ import annotations

from typing import Any

import pytest

from swarmtui.core.mapping import service_from_json
from swarmtui.core.models import Service
from swarmtui.demo.cluster import DemoBackend
from swarmtui.display.columns import STACK_COLUMNS, stack_row, state_style
from swarmtui.display.sorting import MISSING, STACK_SORT_KEYS
from swarmtui.display.stacks import (
    NO_STACK,
    STACK_LABEL,
    StackSummary,
    services_of_stack,
    split_stack_filter,
    stack_name,
    stack_update_state,
    summarize_stacks,
)


def service(
    name: str,
    stack: str | None = None,
    *,
    running: int | None = 1,
    desired: int | None = 1,
    networks: tuple[str, ...] = (),
    secrets: tuple[str, ...] = (),
    configs: tuple[str, ...] = (),
    update: str = "",
    legacy_networks: tuple[str, ...] = (),
) -> Service:
    container: dict[str, Any] = {"Image": "busybox"}
    if secrets:
        container["Secrets"] = [{"SecretName": s, "SecretID": f"{s}-id"} for s in secrets]
    if configs:
        container["Configs"] = [{"ConfigName": c, "ConfigID": f"{c}-id"} for c in configs]
    spec: dict[str, Any] = {
        "Name": name,
        "Labels": {STACK_LABEL: stack} if stack is not None else {},
        "Mode": {"Replicated": {"Replicas": desired or 0}},
        "TaskTemplate": {
            "ContainerSpec": container,
            "Networks": [{"Target": n, "Aliases": [name]} for n in networks],
        },
    }
    if legacy_networks:
        spec["Networks"] = [{"Target": n} for n in legacy_networks]
    data: dict[str, Any] = {"ID": f"id-{name}", "Spec": spec}
    if running is not None and desired is not None:
        data["ServiceStatus"] = {"RunningTasks": running, "DesiredTasks": desired}
    if update:
        data["UpdateStatus"] = {"State": update}
    return service_from_json(data)


def by_name(summaries: list[StackSummary]) -> dict[str, StackSummary]:
    return {s.name: s for s in summaries}


def test_services_are_grouped_by_the_namespace_label() -> None:
    services = [
        service("shop_web", "shop"),
        service("lone"),
        service("shop_db", "shop"),
        service("blog_app", "blog"),
        service("empty-label", ""),  # an empty label is no stack
    ]
    summaries = summarize_stacks(services)
    assert [s.name for s in summaries] == ["blog", "shop", NO_STACK]  # "(no stack)" last
    assert [s.title for s in summaries] == ["blog", "shop", "(no stack)"]
    assert [s.services for s in summaries] == [1, 2, 2]
    assert [s.name for s in services_of_stack(services, "shop")] == ["shop_web", "shop_db"]
    assert [s.name for s in services_of_stack(services, NO_STACK)] == ["lone", "empty-label"]
    assert stack_name(services[0]) == "shop" and stack_name(services[1]) == NO_STACK


def test_no_row_for_services_outside_stacks_when_there_are_none() -> None:
    assert [s.name for s in summarize_stacks([service("a_x", "a")])] == ["a"]
    assert summarize_stacks([]) == []


def test_tasks_are_summed_running_over_desired() -> None:
    shop = by_name(
        summarize_stacks(
            [
                service("shop_web", "shop", running=2, desired=3),
                service("shop_db", "shop", running=1, desired=1),
            ]
        )
    )["shop"]
    assert (shop.tasks_running, shop.tasks_desired, shop.tasks_text) == (3, 4, "3/4")


def test_an_unknown_count_makes_the_sum_unknown() -> None:
    summary = summarize_stacks(
        [service("s_a", "s", running=None, desired=None), service("s_b", "s", running=2)]
    )[0]
    assert summary.tasks_running is None and summary.tasks_text == "?/1"


def test_networks_secrets_and_configs_are_counted_once_per_stack() -> None:
    summary = summarize_stacks(
        [
            service(
                "app_web",
                "app",
                networks=("net-front", "net-back"),
                configs=("app_nginx",),
                secrets=("app_tls",),
            ),
            service(
                "app_db",
                "app",
                networks=("net-back",),
                secrets=("app_tls", "app_db_password"),
                legacy_networks=("net-old",),
            ),
        ]
    )[0]
    assert (summary.networks, summary.secrets, summary.configs) == (3, 2, 1)


@pytest.mark.parametrize(
    ("states", "shown"),
    [
        ((), ""),
        (("", ""), ""),
        (("completed", ""), "completed"),
        (("completed", "rollback_completed"), "rollback_completed"),
        (("completed", "updating"), "updating"),
        (("updating", "rollback_started"), "rollback_started"),
        (("updating", "paused", "completed"), "paused"),
        (("paused", "rollback_paused"), "rollback_paused"),
        (("completed", "some_new_state"), "updating"),  # unknown: counted as in progress
    ],
)
def test_the_update_state_is_the_one_that_needs_attention_first(
    states: tuple[str, ...], shown: str
) -> None:
    assert stack_update_state(states) == shown


def test_a_stack_shows_the_update_state_of_its_services() -> None:
    summaries = by_name(
        summarize_stacks(
            [
                service("m_a", "m", update="completed"),
                service("m_b", "m", update="paused"),
                service("s_a", "s"),
            ]
        )
    )
    assert summaries["m"].update_state == "paused"
    assert summaries["s"].update_state == ""


def test_rows_follow_the_columns() -> None:
    summary = StackSummary("shop", 2, 3, 4, 2, 1, 0, "updating")
    row = stack_row(summary)
    assert len(row) == len(STACK_COLUMNS)
    cells = dict(zip((c.key for c in STACK_COLUMNS), row, strict=True))
    assert cells == {
        "name": "shop",
        "services": "2",
        "tasks": "3/4",
        "update": "updating",
        "networks": "2",
        "secrets": "1",
        "configs": "0",
    }
    assert stack_row(StackSummary(NO_STACK, 1, 1, 1, 0, 0, 0, ""))[0] == "(no stack)"


def test_update_states_are_coloured() -> None:
    assert state_style("paused") == "error"
    assert state_style("rollback_paused") == "error"
    assert state_style("updating") == "warning"
    assert state_style("completed") == "success"


def test_sort_keys_keep_the_services_outside_stacks_last_and_count_tasks() -> None:
    name, tasks = STACK_SORT_KEYS["name"], STACK_SORT_KEYS["tasks"]
    none = StackSummary(NO_STACK, 1, 1, 1, 0, 0, 0, "")
    assert name(none) == MISSING
    names = sorted(["b", "a10", "a9"], key=lambda n: name(StackSummary(n, 1, 1, 1, 0, 0, 0, "")))
    assert names == ["a9", "a10", "b"]
    assert tasks(StackSummary("a", 1, 9, 10, 0, 0, 0, "")) < tasks(
        StackSummary("b", 1, 10, 10, 0, 0, 0, "")
    )


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("web", (None, "web")),
        ("stack:shop", ("shop", "")),
        ("stack:shop web", ("shop", "web")),
        ("web stack:shop", ("shop", "web")),
        ("a stack:^m b", ("^m", "a b")),
        ("stack:", ("", "")),
        ("mystack:shop", (None, "mystack:shop")),
    ],
)
def test_stack_filter_syntax(text: str, parsed: tuple[str | None, str]) -> None:
    assert split_stack_filter(text) == parsed


def test_the_demo_cluster_has_two_stacks_and_services_outside() -> None:
    summaries = summarize_stacks(DemoBackend().services())
    rows = [stack_row(s) for s in summaries]
    assert rows == [
        ("monitoring", "2", "3/4", "paused", "1", "0", "1"),
        ("shop", "2", "3/3", "", "2", "1", "1"),
        ("(no stack)", "3", "7/8", "updating", "0", "0", "0"),
    ]


def test_a_thousand_services_in_a_hundred_stacks() -> None:
    """One pass over the snapshot's services: no request, no per-stack scan."""
    services = [service(f"s{i % 100}_svc{i}", f"s{i % 100}", running=1) for i in range(1000)]
    summaries = summarize_stacks(services)
    assert len(summaries) == 100
    assert all(s.services == 10 and s.tasks_text == "10/10" for s in summaries)
