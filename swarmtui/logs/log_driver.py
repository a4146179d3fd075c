"""Which logging drivers give service logs, and what to say when one does not."""

from __future__ import annotations

READABLE_DRIVERS = frozenset({"json-file", "journald", "local"})


def driver_explanation(driver: str, from_service: bool) -> str | None:
    """None when DRIVER gives logs; otherwise the line to show instead of an empty pane."""
    if not driver or driver in READABLE_DRIVERS:
        return None
    where = "this service's log driver" if from_service else "the engine's default log driver"
    if driver == "none":
        return (
            f"No logs: {where} is 'none', so the engine keeps no logs to show. "
            "Use json-file, local or journald (docker service update --log-driver json-file)."
        )
    return (
        f"{where} is '{driver}': the engine reads service logs only from json-file, local "
        "and journald (and from its local cache when dual logging is on). Lines may not come."
    )
