"""While a log view is open the collector runs only when the view asks it to (between two
frames, in the UI thread), with the generation the counts say is due; closing the last view
gives the collector back as it was."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator

import pytest

from swarmtui.ui.gc_tuning import (
    FULL_COLLECTION_EVERY,
    MIDDLE_THRESHOLD,
    YOUNG_THRESHOLD,
    collect_between_frames,
    collect_by_itself,
    collect_when_due,
)


@pytest.fixture
def collector() -> Iterator[None]:
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.collect()
    yield
    gc.set_threshold(*thresholds)
    (gc.enable if enabled else gc.disable)()


def allocate(count: int) -> list[list[int]]:
    return [[n] for n in range(count)]  # lists: objects the collector tracks


def test_log_views_hold_the_collector_and_the_last_one_gives_it_back(collector: None) -> None:
    collect_between_frames()
    assert not gc.isenabled()
    collect_between_frames()  # a second view over the first
    collect_by_itself()
    assert not gc.isenabled()
    collect_by_itself()
    assert gc.isenabled()
    collect_by_itself()  # one too many: nothing changes
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled(collector: None) -> None:
    gc.disable()
    collect_between_frames()
    collect_by_itself()
    assert not gc.isenabled()


def test_the_generation_due_is_collected(collector: None) -> None:
    assert collect_when_due() is None  # no view holds the collector
    collect_between_frames()
    try:
        kept = allocate(YOUNG_THRESHOLD // 2)
        assert collect_when_due() is None
        kept += allocate(YOUNG_THRESHOLD)
        assert collect_when_due() == 0
        for _ in range(MIDDLE_THRESHOLD - 1):
            kept += allocate(YOUNG_THRESHOLD + 1)
            assert collect_when_due() == 0
        kept += allocate(YOUNG_THRESHOLD + 1)
        assert collect_when_due() == 1
        assert gc.get_count()[:2] == (0, 0)
        del kept
    finally:
        collect_by_itself()


def test_a_full_collection_at_most_every_so_often(collector: None) -> None:
    collect_between_frames()
    started = time.monotonic()
    try:
        old = gc.get_threshold()[2]
        collected = []
        for _ in range(old + 1):  # the old generation's count passes its threshold
            for _ in range(MIDDLE_THRESHOLD):
                gc.collect(0)
            collected.append(collect_when_due(now=started + 1))
        assert 2 not in collected and collected[-1] == 1
        for _ in range(MIDDLE_THRESHOLD):
            gc.collect(0)
        assert collect_when_due(now=started + FULL_COLLECTION_EVERY + 1) == 2
    finally:
        collect_by_itself()
