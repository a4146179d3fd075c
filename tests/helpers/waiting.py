"""Waiting on state from plain threads (engine-side checks outside an app): poll with a
deadline, never a fixed sleep that hopes to be long enough."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Deadline:
    """TIMEOUT seconds from now to see WHAT happen; `check` fails the test once they passed."""

    def __init__(self, timeout: float, what: str) -> None:
        self.timeout, self.what = timeout, what
        self.end = time.monotonic() + timeout

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise AssertionError(f"timed out after {self.timeout:.0f} s waiting for {self.what}")


def wait_for(probe: Callable[[], T | None], timeout: float, what: str, step: float = 0.2) -> T:
    """Call PROBE until it returns something truthy (returned); fail after TIMEOUT seconds."""
    deadline = Deadline(timeout, what)
    while not (result := probe()):
        deadline.check()
        time.sleep(step)
    return result
