"""Keep garbage collection pauses short while logs flood in.

A flood keeps tens of thousands of young objects alive for a moment (lines in the buffer);
each full collection then also walks every object the app made at start-up (Textual, the
engine client: over 100,000), and the pause freezes the UI for 100 ms or more on a loaded
machine. Freezing the start-up objects once (`gc.freeze`, after a collection so that no
garbage is kept) leaves full collections only the objects made since.

While a log view is open, the collector no longer runs by itself: Python starts a collection
in whichever thread allocates at the wrong moment, the log reader's thread as often as not,
and that thread holds the GIL for the whole collection (400 ms once on a loaded machine: the
reader was descheduled meanwhile); a key pressed then waits for it. Instead the log view
collects on its own timer, in the UI thread, between two frames and never while a key is
being handled, with the collector's own rule (a generation is collected once the counts say
it is due), only young generations more often and full collections at most every
FULL_COLLECTION_EVERY seconds.
"""

from __future__ import annotations

import gc
import time

YOUNG_THRESHOLD = 5_000  # allocations between young collections (Python's default: 700)
# Young collections between two of the middle generation (Python's default: 10). Lines in
# the buffer outlive a young collection, so the middle generation fills with them: collected
# after 10 young ones it took 30 ms, after 3 about a third of that.
MIDDLE_THRESHOLD = 3
FULL_COLLECTION_EVERY = 30.0  # seconds: a full collection walks everything (30 ms and more)

_frozen = False
_held: list[bool] = []  # whether the collector was enabled, one entry per open log view
_last_full = [0.0]


def freeze_startup_objects() -> None:
    """Move the objects alive now out of the collector's way (once per process)."""
    global _frozen
    if _frozen:
        return
    gc.collect()
    gc.freeze()
    _frozen = True


def collect_between_frames() -> None:
    """A log view opened: from now on it collects when `collect_when_due` says."""
    _held.append(gc.isenabled())
    gc.disable()
    if len(_held) == 1:
        _last_full[0] = time.monotonic()


def collect_by_itself() -> None:
    """The log view closed: the collector as it found it."""
    # Only the first view saw the collector as it was; the others found it held.
    if _held and _held.pop() and not _held:
        gc.enable()


def collect_when_due(now: float | None = None) -> int | None:
    """While a log view holds the collector: collect the generation that is due, if any
    (the generation collected, or None)."""
    if not _held or gc.isenabled():
        return None
    young, middle, old = gc.get_count()
    old_threshold = gc.get_threshold()[2]
    now = time.monotonic() if now is None else now
    if middle >= MIDDLE_THRESHOLD:
        generation = 1
        if old >= old_threshold and now - _last_full[0] >= FULL_COLLECTION_EVERY:
            generation = 2
            _last_full[0] = now
    elif young >= YOUNG_THRESHOLD:
        generation = 0
    else:
        return None
    gc.collect(generation)
    return generation
