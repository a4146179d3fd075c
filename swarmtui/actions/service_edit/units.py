"""Engine numbers as the form shows them, in the units the form's parsers read back."""

from __future__ import annotations

from decimal import Decimal

_DURATION_UNITS = (
    ("h", 3600 * 10**9),
    ("m", 60 * 10**9),
    ("s", 10**9),
    ("ms", 10**6),
    ("us", 10**3),
    ("ns", 1),
)
_MEMORY_UNITS = (("G", 2**30), ("M", 2**20), ("K", 2**10))


def duration_text(nanos: int) -> str:
    """`90s`, `1500ms`, `2h`: one unit, the largest that divides exactly (parse_duration reads
    no mixed units)."""
    if nanos == 0:
        return "0s"
    for unit, size in _DURATION_UNITS:
        if nanos % size == 0:
            return f"{nanos // size}{unit}"
    return f"{nanos}ns"  # not reached: ns divides everything


def memory_text(amount: int) -> str:
    for unit, size in _MEMORY_UNITS:
        if amount % size == 0:
            return f"{amount // size}{unit}"
    return str(amount)


def cpus_text(nanos: int) -> str:
    """NanoCPUs as a decimal number of CPUs: 500000000 -> `0.5`."""
    return format((Decimal(nanos) / 10**9).normalize(), "f")
