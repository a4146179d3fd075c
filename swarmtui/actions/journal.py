"""The action journal: what the console did, with its result, exportable as a shell script.

Join tokens never enter it: anything that looks like one is masked on the way in.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from swarmtui.core.secrets import mask_secrets


@dataclass(frozen=True)
class JournalEntry:
    at: datetime
    command: str
    ok: bool
    result: str


class Journal:
    def __init__(self) -> None:
        self._entries: list[JournalEntry] = []
        self._lock = threading.Lock()

    def record(self, at: datetime, command: str, ok: bool, result: str) -> JournalEntry:
        entry = JournalEntry(at, mask_secrets(command), ok, mask_secrets(result))
        with self._lock:
            self._entries.append(entry)
        return entry

    @property
    def entries(self) -> tuple[JournalEntry, ...]:
        with self._lock:
            return tuple(self._entries)

    def export_script(self) -> str:
        """A shell script replaying what succeeded; failures are kept as comments."""
        lines = ["#!/bin/sh", "# swarmtui action journal", "set -e", ""]
        for entry in self.entries:
            stamp = entry.at.strftime("%Y-%m-%d %H:%M:%S")
            if entry.ok:
                lines.append(f"# {stamp} ok")
                lines.append(entry.command)
            else:
                lines.append(f"# {stamp} FAILED: {entry.result}")
                lines.append(f"# {entry.command}")
        return "\n".join(lines) + "\n"
