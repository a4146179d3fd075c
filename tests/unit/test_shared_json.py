"""Task lists decoded with their equal specs kept once: the same data as `json.loads`, the
specs of one service's tasks one object, different specs (other services, other versions)
apart."""

from __future__ import annotations

import json
from typing import Any

from swarmtui.core.shared_json import decode_shared


def task(number: int, service: str, image: str, state: str = "running") -> dict[str, Any]:
    return {
        "ID": f"task{number:02d}",
        "ServiceID": service,
        "NodeID": "node1",
        "Slot": number,
        "Spec": {
            "ContainerSpec": {"Image": image, "Args": ["sleep", "1d"]},
            "Resources": {"Limits": {}, "Reservations": {}},
            "Placement": {"Constraints": ["node.role==worker"]},
        },
        "Status": {"Timestamp": f"2026-12-02T06:00:{number:02d}Z", "State": state},
        "DesiredState": "running",
    }


TASKS = [
    task(1, "web", "nginx:1"),
    task(2, "web", "nginx:1"),
    task(3, "web", "nginx:2"),  # the new version of a rolling update
    task(4, "web", "nginx:2", "pending"),
    task(5, "db", "nginx:1"),  # another service with an equal spec stays its own
]


def test_the_result_equals_json_loads() -> None:
    body = json.dumps(TASKS).encode()
    assert decode_shared(body) == json.loads(body)
    assert decode_shared(body.decode()) == TASKS


def test_equal_specs_of_a_service_are_one_object() -> None:
    decoded = decode_shared(json.dumps(TASKS))
    specs = [t["Spec"] for t in decoded]
    assert specs[0] is specs[1]
    assert specs[2] is specs[3]
    assert specs[1] is not specs[2]  # nginx:1 and nginx:2
    assert specs[4] is not specs[0]  # db's own


def test_states_and_ids_are_interned() -> None:
    decoded = decode_shared(json.dumps(TASKS))
    assert decoded[0]["Status"]["State"] is decoded[1]["Status"]["State"]
    assert decoded[0]["ServiceID"] is decoded[2]["ServiceID"]
    assert decoded[0]["NodeID"] is decoded[4]["NodeID"]


def test_empty_labels_and_port_status_are_one_dict() -> None:
    tasks = [{**t, "Labels": {}, "Status": {**t["Status"], "PortStatus": {}}} for t in TASKS]
    decoded = decode_shared(json.dumps(tasks))
    assert decoded == tasks
    assert decoded[0]["Labels"] is decoded[1]["Labels"] is decoded[4]["Status"]["PortStatus"]


def test_other_objects_pass_through() -> None:
    services = [{"ID": "web", "Spec": {"Name": "web"}}, {"ID": "db", "Spec": {"Name": "web"}}]
    decoded = decode_shared(json.dumps(services))
    assert decoded == services
    assert decoded[0]["Spec"] is not decoded[1]["Spec"]  # no ServiceID: not a task
    assert decode_shared("[]") == []
    assert decode_shared('{"ServiceID": 3, "Spec": {}}') == {"ServiceID": 3, "Spec": {}}
