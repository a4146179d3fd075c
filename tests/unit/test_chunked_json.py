"""A JSON list decoded from its body's chunks, element by element: whatever the cuts, the
same elements as `json.loads` (the object hook too), the chunks read to the end, and
anything but a well-formed array refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from swarmtui.core.chunked_json import array_items, whole_json
from swarmtui.core.shared_json import decode_shared, shared_items

BODIES = [
    b"[]",
    b" [ ]\n",
    b'[1,2.5e3,-3,"x\\u00e9\\n",true,null,{"a":[1,{}]}]',
    '[{"é":"ü€😀"},12345678901234567890, {"k": "},{"}, {"k": [{"a":1},{"b":2}]}]'.encode(),
    b'\xef\xbb\xbf[{"a":1},{"b":2}]',  # a UTF-8 byte order mark, as json.loads(bytes) takes
    json.dumps([{"ID": f"t{n}", "Spec": {"Labels": {"x": "},{" * n}}} for n in range(40)]).encode(),
]


def cut(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


@pytest.mark.parametrize("body", BODIES)
def test_any_cut_of_the_body_gives_json_loads_elements(body: bytes) -> None:
    expected = json.loads(body)
    for size in range(1, len(body) + 1):
        chunks = iter(cut(body, size))
        assert list(array_items(chunks)) == expected, size
        assert next(chunks, None) is None  # read to the end


def test_the_object_hook_sees_every_object() -> None:
    body = json.dumps([{"a": {"b": 1}}, {"c": 2}]).encode()
    seen: list[dict[str, Any]] = []

    def hook(obj: dict[str, Any]) -> dict[str, Any]:
        seen.append(obj)
        return obj

    assert list(array_items(cut(body, 5), hook)) == json.loads(body)
    assert seen == [{"b": 1}, {"a": {"b": 1}}, {"c": 2}]


def test_keys_are_shared_within_what_was_read_at_once() -> None:
    compact = (",", ":")  # as the engine writes its lists
    body = json.dumps([{"Version": {"Index": n}} for n in range(100)], separators=compact).encode()
    first, second = list(array_items([body]))[:2]
    assert next(iter(first)) is next(iter(second))


def test_tasks_share_their_specs_as_decode_shared_does() -> None:
    tasks = [
        {"ID": f"t{n}", "ServiceID": "web", "Spec": {"Image": "nginx"}, "Status": {}}
        for n in range(50)
    ]
    body = json.dumps(tasks).encode()
    decoded = list(shared_items(cut(body, 97)))
    assert decoded == decode_shared(body) == tasks
    assert all(t["Spec"] is decoded[0]["Spec"] for t in decoded)


@pytest.mark.parametrize(
    "body", [b"", b"{}", b"[1,]", b"[1 2]", b"[1]x", b"[", b"[1", b'[{"a":1}', b"[1,,2]"]
)
def test_what_is_no_array_is_refused(body: bytes) -> None:
    for size in (1, 2, 100):
        with pytest.raises(json.JSONDecodeError):
            list(array_items(cut(body, size) or [b""]))


def test_a_whole_body() -> None:
    assert whole_json([b'{"a"', b": 1}"]) == {"a": 1}
