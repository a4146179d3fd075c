"""The read timeout of each list follows what its last answer cost, between a floor and a cap."""

from __future__ import annotations

import pytest

from swarmtui.adapters.docker.read_timeouts import MARGIN, SLOW_BYTES_PER_SECOND, ListTimeouts

SERVICES = "/services{}"


def answered_once(seconds: float, size: int) -> ListTimeouts:
    timeouts = ListTimeouts(floor=2.5, cap=20.0)
    timeouts.answered(SERVICES, seconds, size)
    return timeouts


def test_a_list_never_answered_gets_the_cap() -> None:
    assert ListTimeouts(floor=2.5, cap=20.0).timeout(SERVICES) == 20.0


def test_a_quick_small_answer_keeps_the_floor() -> None:
    assert answered_once(0.05, 40_000).timeout(SERVICES) == 2.5


def test_a_slow_answer_grows_the_timeout() -> None:
    assert answered_once(2.0, 100_000).timeout(SERVICES) == pytest.approx(MARGIN * 2.0)


def test_a_big_answer_grows_the_timeout_even_when_it_came_quickly() -> None:
    size = 3 * SLOW_BYTES_PER_SECOND  # 5,000 services are megabytes of JSON
    assert answered_once(0.5, size).timeout(SERVICES) == pytest.approx(MARGIN * 3)


def test_the_timeout_is_capped() -> None:
    assert answered_once(30.0, 0).timeout(SERVICES) == 20.0


def test_a_timed_out_list_gets_twice_as_long_up_to_the_cap() -> None:
    timeouts = answered_once(0.1, 1000)
    steps = []
    for _ in range(5):
        timeouts.timed_out(SERVICES)
        steps.append(timeouts.timeout(SERVICES))
    assert steps == [5.0, 10.0, 20.0, 20.0, 20.0]


def test_each_list_has_its_own_timeout() -> None:
    timeouts = answered_once(4.0, 0)
    timeouts.answered("/nodes{}", 0.01, 5000)
    assert timeouts.timeout("/nodes{}") == 2.5
    assert timeouts.timeout(SERVICES) == pytest.approx(12.0)
