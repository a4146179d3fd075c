"""The `swarmtui` command's entry point: the collector held from the first import.

The imports alone build most of the start's long-lived objects, and collections during them
found nothing to free (about 35 of 450 ms, measured). The console resumes collection after
its first snapshot (see startup_gc); every other command resumes it before it runs.
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    from swarmtui.cli.main import main as run

    return run()
