"""The garbage collector held off while the console starts.

Starting imports and builds a few hundred thousand long-lived objects (modules, classes,
widgets); the collector went through them again and again (about a sixth of the start's CPU
time) and found nothing to free. It resumes once the first snapshot arrives, with what was
built by then frozen: later collections no longer walk it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

from swarmtui.session.model import SessionChange, SessionModel, SnapshotChanged

HOLD_AT_MOST = 10.0  # seconds: without a swarm to show (an error, a question) it resumes then


def hold_collection() -> None:
    gc.disable()


def resume_collection_after_first_snapshot(model: SessionModel) -> None:
    released = threading.Event()
    unsubscribe: list[Callable[[], None]] = []

    def release() -> None:
        if released.is_set():
            return
        released.set()
        gc.freeze()
        gc.enable()
        for stop in unsubscribe:
            stop()

    def on_change(change: SessionChange) -> None:
        if isinstance(change, SnapshotChanged):
            release()

    unsubscribe.append(model.subscribe(on_change))
    if released.is_set():  # a snapshot was there already
        unsubscribe.pop()()
    timer = threading.Timer(HOLD_AT_MOST, release)
    timer.daemon = True
    timer.start()
