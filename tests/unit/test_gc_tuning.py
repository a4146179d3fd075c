"""While a log view is open the youngest generation is collected less often; closing it
brings back the thresholds it found."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from swarmtui.ui.gc_tuning import FLOOD_YOUNG_THRESHOLD, collect_as_before, collect_less_often


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    found = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*found)


def test_a_log_view_raises_the_young_threshold_and_gives_it_back(
    thresholds: tuple[int, int, int],
) -> None:
    collect_less_often()
    assert gc.get_threshold() == (FLOOD_YOUNG_THRESHOLD, 10, 10)
    collect_less_often()  # a second view (a stack's logs over a service's)
    collect_as_before()
    assert gc.get_threshold() == (FLOOD_YOUNG_THRESHOLD, 10, 10)
    collect_as_before()
    assert gc.get_threshold() == thresholds
    collect_as_before()  # one too many: nothing changes
    assert gc.get_threshold() == thresholds


def test_a_higher_threshold_set_by_someone_else_is_kept(
    thresholds: tuple[int, int, int],
) -> None:
    gc.set_threshold(50_000, 10, 10)
    collect_less_often()
    assert gc.get_threshold() == (50_000, 10, 10)
    collect_as_before()
    assert gc.get_threshold() == (50_000, 10, 10)
