"""The collector is off while the console starts and back on, with the start's objects
frozen, once the first snapshot is published."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from helpers.models import demo_snapshot

from swarmtui.cli.startup_gc import hold_collection, resume_collection_after_first_snapshot
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
