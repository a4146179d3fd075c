"""The rollout view's pure part: tasks grouped per slot into old and new, with failures."""

from __future__ import annotations

from typing import Any

from swarmtui.demo.cluster import SERVICES_JSON, TASKS_JSON
from swarmtui.display.rollout import rollout_from_json

WEB = SERVICES_JSON[1]


def _service(image: str, previous: str | None = None, force: int = 0, **extra: Any) -> Any:
    spec: dict[str, Any] = {
        "Name": "api",
        "TaskTemplate": {"ContainerSpec": {"Image": image}, "ForceUpdate": force},
    }
    data: dict[str, Any] = {"ID": "svc1", "Spec": spec, **extra}
    if previous is not None:
        data["PreviousSpec"] = {"TaskTemplate": {"ContainerSpec": {"Image": previous}}}
    return data


def _task(
    task_id: str,
    image: str,
    state: str,
    created: str,
    slot: int | None = 1,
    node: str = "n1",
    force: int = 0,
    err: str = "",
    service: str = "svc1",
) -> Any:
    status: dict[str, Any] = {"State": state}
    if err:
        status["Err"] = err
    return {
        "ID": task_id,
        "ServiceID": service,
        "Slot": slot,
        "NodeID": node,
        "DesiredState": "running" if state == "running" else "shutdown",
        "CreatedAt": f"2026-01-01T11:{created}:00.000000000Z",
        "Spec": {"ContainerSpec": {"Image": image}, "ForceUpdate": force},
        "Status": status,
    }


def test_demo_web_is_mid_update() -> None:
    rollout = rollout_from_json(WEB, TASKS_JSON)
    assert rollout.service_name == "web"
    assert (rollout.state, rollout.message) == ("updating", "update in progress")
    assert (rollout.old_image, rollout.new_image) == ("swarmtui-workload:0", "swarmtui-workload:1")
    assert rollout.started_at is not None
    assert [s.slot for s in rollout.slots] == ["1", "2", "3"]
    first, _, third = rollout.slots
    assert first.old is not None and first.old.image == "swarmtui-workload:0"
    assert first.old.state == "shutdown"
    assert first.new is not None and first.new.state == "running"
    assert third.new is not None and third.new.state == "pending"  # the retry, not the failure
    assert [t.error for t in third.failures] == ["task: non-zero exit (1)"]
    assert rollout.progress == (2, 3)
    assert [slot for slot, _ in rollout.failures] == ["3"]


def test_tasks_of_other_services_are_ignored() -> None:
    tasks = [
        _task("a", "img:2", "running", "10"),
        _task("b", "img:2", "running", "10", slot=2, service="other"),
    ]
    rollout = rollout_from_json(_service("img:2", "img:1"), tasks)
    assert [s.slot for s in rollout.slots] == ["1"]


def test_the_latest_task_of_each_kind_wins_and_failures_are_ordered() -> None:
    tasks = [
        _task("old1", "img:1", "shutdown", "01"),
        _task("old2", "img:1", "shutdown", "05"),
        _task("new2", "img:2", "failed", "09", err="second"),
        _task("new1", "img:2", "rejected", "07", err="first"),
        _task("new3", "img:2", "starting", "11"),
    ]
    (slot,) = rollout_from_json(_service("img:2", "img:1"), tasks).slots
    assert slot.old is not None and slot.old.id == "old2"
    assert slot.new is not None and slot.new.id == "new3"
    assert [t.error for t in slot.failures] == ["first", "second"]
    assert not slot.updated


def test_global_services_group_by_node_and_slots_sort_numerically() -> None:
    tasks = [
        _task("g1", "img:2", "running", "10", slot=None, node="nodeB"),
        _task("g2", "img:2", "running", "10", slot=None, node="nodeA"),
    ]
    assert [s.slot for s in rollout_from_json(_service("img:2"), tasks).slots] == [
        "nodeA",
        "nodeB",
    ]
    numbered = [_task(str(n), "img:2", "running", "10", slot=n) for n in (10, 2, 1)]
    assert [s.slot for s in rollout_from_json(_service("img:2"), numbered).slots] == [
        "1",
        "2",
        "10",
    ]


def test_a_forced_redeploy_tells_old_from_new_by_the_force_counter() -> None:
    tasks = [
        _task("before", "img:1", "shutdown", "01", force=0),
        _task("after", "img:1", "running", "02", force=1),
    ]
    (slot,) = rollout_from_json(_service("img:1", "img:1", force=1), tasks).slots
    assert slot.old is not None and slot.old.id == "before"
    assert slot.new is not None and slot.new.id == "after"
    assert slot.updated


def test_no_update_status_nor_previous_spec() -> None:
    rollout = rollout_from_json(_service("img@sha256:abc"), [])
    assert (rollout.state, rollout.old_image, rollout.new_image) == ("", "", "img")
    assert rollout.started_at is None and rollout.slots == ()
    assert rollout.progress == (0, 0)
