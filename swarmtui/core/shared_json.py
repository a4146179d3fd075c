"""Decoding the engine's task lists with what their tasks have in common kept once.

Every task carries its service's whole spec (image, arguments, placement, resources), the
same for all tasks of one service version, and the console keeps each task's JSON. At 45,000
tasks of one service that was about 2.5 KB per task of the same spec decoded over and over:
here a task's spec equal to one already decoded for its service is replaced by that one, as
soon as the task is decoded, so the copies never pile up. The ids of services and nodes, the
states and the messages (a few values shared by thousands of tasks) are interned, and the
empty labels and port status are one dict. Nothing
else changes: the result is equal to `json.loads`'s, and must be read only (it always was:
the models are frozen).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from swarmtui.core.chunked_json import array_items

# Spec versions kept per service to compare with: a rolling update has two or three.
SPECS_PER_SERVICE = 4
_INTERNED_TASK = ("ServiceID", "NodeID", "DesiredState")
_INTERNED_STATUS = ("State", "Message", "Err")


class _TaskSpecSharing:
    def __init__(self) -> None:
        self._specs: dict[str, list[dict[str, Any]]] = {}
        self._empty: dict[str, Any] = {}  # the tasks' empty labels and port status, once

    def _share_empty(self, obj: dict[str, Any], key: str) -> None:
        value = obj.get(key)
        if type(value) is dict and not value:
            obj[key] = self._empty

    def __call__(self, obj: dict[str, Any]) -> dict[str, Any]:
        service_id = obj.get("ServiceID")
        spec = obj.get("Spec")
        if type(service_id) is not str or type(spec) is not dict:
            return obj
        known = self._specs.setdefault(service_id, [])
        for candidate in known:
            if candidate == spec:
                obj["Spec"] = candidate
                break
        else:
            if len(known) < SPECS_PER_SERVICE:
                known.append(spec)
        for key in _INTERNED_TASK:
            _intern(obj, key)
        self._share_empty(obj, "Labels")
        status = obj.get("Status")
        if type(status) is dict:
            for key in _INTERNED_STATUS:
                _intern(status, key)
            self._share_empty(status, "PortStatus")
        return obj


def _intern(obj: dict[str, Any], key: str) -> None:
    value = obj.get(key)
    if type(value) is str:
        obj[key] = sys.intern(value)


def decode_shared(body: bytes | str) -> Any:
    """BODY's JSON, tasks sharing their equal specs (see the module's text)."""
    return json.loads(body, object_hook=_TaskSpecSharing())


def shared_items(chunks: Iterable[bytes]) -> Iterator[Any]:
    """The tasks of the list whose body is CHUNKS, one by one as they are decoded (see
    chunked_json), sharing their equal specs."""
    return array_items(chunks, _TaskSpecSharing())
