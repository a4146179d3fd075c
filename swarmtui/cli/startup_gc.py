"""The garbage collector held off while the console starts, and kept off the cluster's model.

Starting imports and builds a few hundred thousand long-lived objects (modules, classes,
widgets); the collector went through them again and again (about a sixth of the start's CPU
time) and found nothing to free. It resumes once the first snapshot arrives, with what was
built by then frozen: later collections no longer walk it.

The model of a big swarm is long-lived too: 5,000 services and 45,000 tasks in the tasks
pane are millions of objects, and every full collection walked them all (110 to 190 ms, in
whichever thread allocated at that moment, holding the GIL: a key pressed then waited for
it, every few seconds). Each time the model has grown to twice its size at the last freeze,
what is alive is frozen again after one collection. Frozen objects are freed as usual when
no longer referenced; only a reference cycle among them that became garbage later stays (a
few widgets the screen dropped since), and doublings are few: from MODEL_FREEZE_SIZE to
100,000 objects, five.
"""

from __future__ import annotations

import gc
import threading

from swarmtui.core.models import ClusterSnapshot
from swarmtui.session.model import SessionChange, SessionModel, SnapshotChanged

HOLD_AT_MOST = 10.0  # seconds: without a swarm to show (an error, a question) it resumes then
# Tasks, services and nodes in a snapshot from which its model is frozen (a full collection
# over a smaller one takes a few milliseconds).
MODEL_FREEZE_SIZE = 5_000
MODEL_GROWTH = 2


def hold_collection() -> None:
    gc.disable()


def model_size(snapshot: ClusterSnapshot) -> int:
    return len(snapshot.tasks) + len(snapshot.services) + len(snapshot.nodes)


def freeze_due(size: int, frozen_at: int) -> bool:
    """Whether a model of SIZE objects is frozen, the last freeze at FROZEN_AT (0: none)."""
    return size >= MODEL_FREEZE_SIZE and size >= frozen_at * MODEL_GROWTH


def resume_collection_after_first_snapshot(model: SessionModel) -> None:
    released = threading.Event()
    frozen_at = [0]
    lock = threading.Lock()

    def release() -> None:
        with lock:
            if released.is_set():
                return
            released.set()
            gc.freeze()
            gc.enable()

    def freeze_grown_model(snapshot: ClusterSnapshot) -> None:
        size = model_size(snapshot)
        with lock:
            if not freeze_due(size, frozen_at[0]):
                return
            frozen_at[0] = size
            gc.collect()
            gc.freeze()

    def on_change(change: SessionChange) -> None:
        if isinstance(change, SnapshotChanged):
            release()
            freeze_grown_model(change.snapshot)

    model.subscribe(on_change)
    timer = threading.Timer(HOLD_AT_MOST, release)
    timer.daemon = True
    timer.start()
