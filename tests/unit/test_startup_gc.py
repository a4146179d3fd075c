"""The collector is off while the console starts and back on, with the start's objects
frozen, once the first snapshot is published."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import replace

import pytest
from helpers.models import demo_snapshot

from swarmtui.cli.startup_gc import (
    MODEL_FREEZE_SIZE,
    freeze_due,
    hold_collection,
    model_size,
    resume_collection_after_first_snapshot,
)
from swarmtui.core.models import ClusterSnapshot
from swarmtui.session.model import SessionModel


@pytest.fixture
def collector_restored() -> Iterator[None]:
    yield
    gc.enable()


@pytest.mark.usefixtures("collector_restored")
def test_collection_resumes_at_the_first_snapshot_with_the_start_frozen() -> None:
    model = SessionModel()
    hold_collection()
    resume_collection_after_first_snapshot(model)
    assert not gc.isenabled()
    started = [object() for _ in range(10)]
    model.publish_snapshot(demo_snapshot())
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(started)
    gc.disable()
    model.publish_snapshot(demo_snapshot())  # later snapshots leave the collector alone
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_restored")
def test_a_snapshot_there_before_resumes_at_once() -> None:
    model = SessionModel()
    model.publish_snapshot(demo_snapshot())
    hold_collection()
    resume_collection_after_first_snapshot(model)
    assert gc.isenabled()


def test_freezes_are_due_from_the_threshold_at_each_doubling() -> None:
    assert not freeze_due(MODEL_FREEZE_SIZE - 1, 0)
    assert freeze_due(MODEL_FREEZE_SIZE, 0)
    assert not freeze_due(2 * MODEL_FREEZE_SIZE - 1, MODEL_FREEZE_SIZE)
    assert freeze_due(2 * MODEL_FREEZE_SIZE, MODEL_FREEZE_SIZE)


@pytest.mark.usefixtures("collector_restored")
def test_a_model_grown_big_is_frozen_once_per_doubling(monkeypatch: pytest.MonkeyPatch) -> None:
    model = SessionModel()
    hold_collection()
    resume_collection_after_first_snapshot(model)
    freezes: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(gc.get_count()[0]))
    monkeypatch.setattr(gc, "collect", lambda generation=2: 0)
    small = demo_snapshot()
    model.publish_snapshot(small)
    assert len(freezes) == 1  # the start's objects, at the first snapshot

    def grown(tasks: int) -> ClusterSnapshot:
        task = small.tasks[0]
        return replace(small, tasks=tuple(replace(task, id=f"t{i}") for i in range(tasks)))

    others = model_size(small) - len(small.tasks)  # the services and nodes
    first = grown(MODEL_FREEZE_SIZE)
    model.publish_snapshot(first)
    assert len(freezes) == 2  # big enough: frozen
    at = model_size(first)
    for size in (2 * at - 1, 2 * at, 3 * at):
        model.publish_snapshot(grown(size - others))
    assert len(freezes) == 3  # at twice the size of the last freeze, not before or after
