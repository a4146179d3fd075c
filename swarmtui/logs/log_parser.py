"""Parse the engine's log payloads: `<RFC3339Nano> <details> <text>` (timestamps, details on).

Pure functions. A payload looks like
`2026-11-26T16:01:03.899564958Z com.docker.swarm.node.id=N,com.docker.swarm.service.id=S,
com.docker.swarm.task.id=T err 3\\n`.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import unquote

from swarmtui.logs.log_line import LogLine, StreamName

NANO = 1_000_000_000
_NODE_KEY = "com.docker.swarm.node.id"
_SERVICE_KEY = "com.docker.swarm.service.id"
_TASK_KEY = "com.docker.swarm.task.id"
STREAMS: dict[int, StreamName] = {0: "stdout", 1: "stdout", 2: "stderr", 3: "engine"}
# Terminal escape sequences (colours, cursor moves) and other control characters: a line is
# shown as text, never sent to the terminal as is.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f]")


@lru_cache(maxsize=4096)
def _epoch_seconds(prefix: str) -> int:
    """`YYYY-MM-DDTHH:MM:SS` (UTC) to seconds since the epoch."""
    if prefix[4] != "-" or prefix[7] != "-" or prefix[13] != ":" or prefix[16] != ":":
        raise ValueError(f"not an RFC 3339 timestamp: {prefix!r}")
    fields = (prefix[0:4], prefix[5:7], prefix[8:10], prefix[11:13], prefix[14:16], prefix[17:19])
    if not all(field.isdigit() for field in fields):
        raise ValueError(f"not an RFC 3339 timestamp: {prefix!r}")
    return calendar.timegm(tuple(int(field) for field in fields))


def parse_timestamp(text: str) -> int:
    """RFC 3339 (nanosecond fraction optional, Z or +hh:mm) to nanoseconds since the epoch."""
    if len(text) < 20 or text[10] != "T":
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}")
    seconds = _epoch_seconds(text[:19])
    rest = text[19:]
    if len(rest) == 11 and rest[0] == "." and rest[10] == "Z" and rest[1:10].isdigit():
        return seconds * NANO + int(rest[1:10])  # the engine's usual form: 9 digits, UTC
    fraction = 0
    if rest.startswith("."):
        digits = 1
        while digits < len(rest) and rest[digits].isdigit():
            digits += 1
        fraction = int(rest[1:digits][:9].ljust(9, "0"))
        rest = rest[digits:]
    if rest in ("Z", "z", ""):
        offset = 0
    elif len(rest) == 6 and rest[0] in "+-" and rest[3] == ":":
        offset = (int(rest[1:3]) * 3600 + int(rest[4:6]) * 60) * (1 if rest[0] == "+" else -1)
    else:
        raise ValueError(f"bad zone in timestamp: {text!r}")
    return (seconds - offset) * NANO + fraction


def format_timestamp(nanos: int) -> str:
    """Nanoseconds since the epoch as UTC `YYYY-MM-DDTHH:MM:SS.mmmZ`."""
    seconds, rest = divmod(nanos, NANO)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{rest // 1_000_000:03d}Z"


def since_param(nanos: int) -> str:
    """The engine's `since` query value: UNIX seconds with a nanosecond fraction."""
    seconds, rest = divmod(nanos, NANO)
    return f"{seconds}.{rest:09d}"


@lru_cache(maxsize=1024)
def parse_details(details: str) -> tuple[str, str, str]:
    """`k=v,k=v` (url-escaped) to (node id, service id, task id)."""
    found: dict[str, str] = {}
    for pair in details.split(","):
        key, _, value = pair.partition("=")
        found[unquote(key)] = unquote(value)
    return found.get(_NODE_KEY, ""), found.get(_SERVICE_KEY, ""), found.get(_TASK_KEY, "")


def clean_text(text: str) -> str:
    """TEXT without escape sequences and control characters, tabs expanded."""
    if text.isprintable():
        return text
    text = _CONTROL.sub("", text)
    return text.expandtabs(8) if "\t" in text else text


def parse_payload(payload: bytes, stream: StreamName, fallback_ns: int = 0) -> LogLine:
    """One frame's payload to a LogLine; text without a timestamp gets FALLBACK_NS."""
    text = clean_text(payload.decode("utf-8", "replace").rstrip("\n"))
    stamp, _, rest = text.partition(" ")
    try:
        timestamp = parse_timestamp(stamp)
    except ValueError:
        return LogLine(fallback_ns, text, stream)
    details, _, message = rest.partition(" ")
    if _TASK_KEY not in details:
        return LogLine(timestamp, rest, stream)
    node_id, service_id, task_id = parse_details(details)
    return LogLine(timestamp, message, stream, node_id, task_id, service_id)


def parse_payloads(frames: Iterable[tuple[StreamName, bytes]]) -> list[LogLine]:
    """Many frames' payloads to LogLines, as `parse_payload` makes them, cheaper per line:
    the engine's usual form (9-digit UTC timestamp, details) is taken apart by position, and
    the seconds and the details of a block are looked up once."""
    lines: list[LogLine] = []
    append, make = lines.append, tuple.__new__
    seconds: dict[str, int] = {}
    ids: dict[str, tuple[str, str, str]] = {}
    for stream, payload in frames:
        text = payload.decode("utf-8", "replace").rstrip("\n")
        if not text.isprintable():
            text = clean_text(text)
        if len(text) < 31 or text[29] != "Z" or text[30] != " " or text[19] != ".":
            append(parse_payload(payload, stream))
            continue
        prefix, fraction = text[:19], text[20:29]
        epoch = seconds.get(prefix)
        if epoch is None:
            try:
                if prefix[10] != "T":
                    raise ValueError(prefix)
                epoch = seconds[prefix] = _epoch_seconds(prefix) * NANO
            except ValueError:
                epoch = seconds[prefix] = -1
        details, _, message = text[31:].partition(" ")
        found = ids.get(details)
        if found is None and _TASK_KEY in details:
            found = ids[details] = parse_details(details)
        if epoch < 0 or found is None or not fraction.isdecimal():
            append(parse_payload(payload, stream))
            continue
        node_id, service_id, task_id = found
        stamp = epoch + int(fraction)
        append(make(LogLine, (stamp, message, stream, node_id, task_id, service_id)))
    return lines


def notice(text: str, timestamp: int) -> LogLine:
    """A line of swarmtui's own (an explanation or a stream event)."""
    return LogLine(timestamp, text, "notice")
