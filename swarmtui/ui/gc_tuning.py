"""Keep garbage collection pauses short while logs flood in.

A flood keeps tens of thousands of young objects alive for a moment (lines in the buffer);
each full collection then also walks every object the app made at start-up (Textual, the
engine client: over 100,000), and the pause freezes the UI for 100 ms or more on a loaded
machine. Freezing the start-up objects once (`gc.freeze`, after a collection so that no
garbage is kept) leaves full collections only the objects made since.
"""

from __future__ import annotations

import gc

_frozen = False


def freeze_startup_objects() -> None:
    """Move the objects alive now out of the collector's way (once per process)."""
    global _frozen
    if _frozen:
        return
    gc.collect()
    gc.freeze()
    _frozen = True
