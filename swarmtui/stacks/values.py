"""Scalar values of a compose file as the docker CLI reads them: durations (`1m30s`), sizes
(`512m`, `1.5GB`), CPUs (`0.5`), and the strings interpolation leaves where a number or a
boolean belongs."""

from __future__ import annotations

import re

_DURATION_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_SIZE = re.compile(r"^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$")
_SIZE_MULTIPLIERS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}
_TRUE = frozenset({"y", "yes", "true", "on"})
_FALSE = frozenset({"n", "no", "false", "off"})


class ValueProblem(ValueError):
    """A value that does not read as what its key needs; the message says what it should be."""


def parse_duration(text: str) -> int:
    """Nanoseconds of a Go duration: `10s`, `1m30s`, `1.5h`, `250ms`, `0`."""
    value = text.strip()
    sign = -1 if value.startswith("-") else 1
    body = value.lstrip("+-")
    if body == "0":
        return 0
    if not body:
        raise ValueProblem(f"{text!r} is not a duration (e.g. 10s, 1m30s, 250ms)")
    total = 0.0
    position = 0
    for match in _DURATION_PART.finditer(body):
        if match.start() != position:
            break
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        position = match.end()
    if position != len(body):
        raise ValueProblem(f"{text!r} is not a duration (e.g. 10s, 1m30s, 250ms)")
    return sign * round(total)


def parse_size(value: object) -> int:
    """Bytes of a size: an integer, or `512m`, `1g`, `1.5GB`, `100k` (binary multipliers)."""
    if isinstance(value, bool):
        raise ValueProblem(f"{value!r} is not a size (e.g. 512M, 1G)")
    if isinstance(value, int):
        return value
    match = _SIZE.match(str(value).strip())
    if match is None:
        raise ValueProblem(f"{value!r} is not a size (e.g. 512M, 1G)")
    number = float(match.group(1)) if match.group(1).count(".") <= 1 else None
    if number is None:
        raise ValueProblem(f"{value!r} is not a size (e.g. 512M, 1G)")
    return int(number * _SIZE_MULTIPLIERS[(match.group(2) or "").lower()])


def parse_cpus(value: object) -> int:
    """Nano-CPUs of a CPU count (`0.5`, `2`)."""
    try:
        cpus = float(str(value))
    except ValueError:
        raise ValueProblem(f"{value!r} is not a number of CPUs (e.g. 0.5, 2)") from None
    nano = round(cpus * 1e9)
    if cpus <= 0 or abs(cpus * 1e9 - nano) > 1e-3:
        raise ValueProblem(f"{value!r} is not a number of CPUs (e.g. 0.5, 2)")
    return nano


def as_int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueProblem(f"{text!r} is not an integer") from None


def as_float(text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise ValueProblem(f"{text!r} is not a number") from None


def as_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueProblem(f"{text!r} is not a boolean (true or false)")


def go_string(value: object) -> str:
    """VALUE as Go's fmt.Sprint writes it: how the CLI turns a YAML number or boolean in a
    string field (an environment value, a label) into text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


# The other way: values from an engine's spec as a compose file writes them (export).


def go_duration(nanoseconds: int) -> str:
    """NANOSECONDS as Go's time.Duration prints it: `1m30s`, `1h0m0s`, `250ms`, `1.5s`, `0s`."""
    if nanoseconds == 0:
        return "0s"
    sign = "-" if nanoseconds < 0 else ""
    left = abs(nanoseconds)
    if left < 1_000_000_000:
        for limit, unit, digits in ((1_000, "ns", 0), (1_000_000, "µs", 3), (10**9, "ms", 6)):
            if left < limit:
                whole, fraction = divmod(left, 10**digits)
                return f"{sign}{whole}{_fraction(fraction, digits)}{unit}"
    seconds, fraction = divmod(left, 10**9)
    text = f"{seconds % 60}{_fraction(fraction, 9)}s"
    minutes = seconds // 60
    if minutes:
        text = f"{minutes % 60}m{text}"
        if minutes // 60:
            text = f"{minutes // 60}h{text}"
    return sign + text


def _fraction(value: int, digits: int) -> str:
    return "." + str(value).rjust(digits, "0").rstrip("0") if value else ""


def size_text(size: int) -> str:
    """SIZE in bytes as the largest whole unit parse_size reads back (`512M`, `1G`, `1000`)."""
    for suffix in ("P", "T", "G", "M", "K"):
        multiplier = _SIZE_MULTIPLIERS[suffix.lower()]
        if size and size % multiplier == 0:
            return f"{size // multiplier}{suffix}"
    return str(size)


def cpus_text(nano_cpus: int) -> str:
    """NANO_CPUS as a CPU count (`0.5`, `2`), exact."""
    whole, fraction = divmod(nano_cpus, 10**9)
    return f"{whole}{_fraction(fraction, 9)}"
