"""Waiting on state from plain threads (engine-side checks outside an app): poll with a
deadline, never a fixed sleep that hopes to be long enough."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(probe: Callable[[], T | None], timeout: float, what: str, step: float = 0.2) -> T:
    """Call PROBE until it returns something truthy (returned); fail after TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)
