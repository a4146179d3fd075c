"""Keep garbage collection pauses short while logs flood in.

A flood keeps tens of thousands of young objects alive for a moment (lines in the buffer);
each full collection then also walks every object the app made at start-up (Textual, the
engine client: over 100,000), and the pause freezes the UI for 100 ms or more on a loaded
machine. Freezing the start-up objects once (`gc.freeze`, after a collection so that no
garbage is kept) leaves full collections only the objects made since.

While a log view is open, the youngest generation is also collected less often: a flood
of 20,000 lines/s made 60 young collections a second, and every hundredth young collection
becomes a full one (30 ms of CPU walking the buffer's lines, 100 ms and more on a loaded
machine); a key pressed then waits for it. Ten times fewer collections: ten times fewer keys
that wait. The objects are the same; only how often the collector looks at them changes.
"""

from __future__ import annotations

import gc

FLOOD_YOUNG_THRESHOLD = 10_000  # allocations between young collections (Python's default: 700)

_frozen = False
_relaxed: list[tuple[int, int, int]] = []  # the thresholds to restore, one per open log view


def freeze_startup_objects() -> None:
    """Move the objects alive now out of the collector's way (once per process)."""
    global _frozen
    if _frozen:
        return
    gc.collect()
    gc.freeze()
    _frozen = True


def collect_less_often() -> None:
    """A log view opened: young collections FLOOD_YOUNG_THRESHOLD allocations apart."""
    thresholds = gc.get_threshold()
    _relaxed.append(thresholds)
    young, middle, old = thresholds
    gc.set_threshold(max(young, FLOOD_YOUNG_THRESHOLD), middle, old)


def collect_as_before() -> None:
    """The log view closed: the thresholds it found."""
    if _relaxed:
        gc.set_threshold(*_relaxed.pop())
