"""A service's `ports:` in a compose file, short or long syntax, as swarm port configs.

Short: `"80"` (target only: the engine picks the published port), `"8080:80"`,
`"127.0.0.1:8080:80"` (swarm publishes on every node: the address is not kept),
`"8000-8001:80-81"` (ranges of one length), each with an optional `/tcp`, `/udp` or `/sctp`.
An integer is a target port. Long: a mapping of `target` (required), `published`,
`protocol` and `mode` (`ingress` or `host`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PROTOCOLS = ("tcp", "udp", "sctp")
MODES = ("ingress", "host")
LONG_KEYS = frozenset({"target", "published", "protocol", "mode"})
_SHORT = re.compile(
    r"^(?:(?P<ip>\[[0-9a-fA-F:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):)?"
    r"(?:(?P<published>\d+(?:-\d+)?):)?"
    r"(?P<target>\d+(?:-\d+)?)"
    r"(?:/(?P<protocol>[a-z]+))?$"
)


class PortError(ValueError):
    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.where = where


@dataclass(frozen=True)
class PortConfig:
    target: int
    published: int | None = None
    protocol: str = "tcp"
    mode: str = "ingress"

    def engine_spec(self) -> dict[str, Any]:
        """The entry of the service's EndpointSpec.Ports."""
        spec: dict[str, Any] = {
            "Protocol": self.protocol,
            "TargetPort": self.target,
            "PublishMode": self.mode,
        }
        if self.published is not None:
            spec["PublishedPort"] = self.published
        return spec


def parse_ports(value: object, where: str = "ports") -> list[PortConfig]:
    if not isinstance(value, list):
        raise PortError("a list of ports is expected", where)
    configs: list[PortConfig] = []
    for i, item in enumerate(value):
        configs += parse_port(item, f"{where}.{i}")
    return configs


def parse_port(value: object, where: str = "ports.0") -> list[PortConfig]:
    """One `ports:` entry: several configs for a range."""
    if isinstance(value, bool):
        raise PortError(f"{value!r} is not a port", where)
    if isinstance(value, int):
        return [PortConfig(_port(value, where))]
    if isinstance(value, str):
        return _short(value.strip(), where)
    if isinstance(value, Mapping):
        return [_long(value, where)]
    raise PortError(f"{value!r} is not a port", where)


def _short(text: str, where: str) -> list[PortConfig]:
    match = _SHORT.match(text)
    if match is None:
        raise PortError(f"{text!r} is not a port (e.g. 80, 8080:80, 8080:80/udp)", where)
    protocol = match.group("protocol") or "tcp"
    if protocol not in PROTOCOLS:
        raise PortError(f"{protocol!r} is not a protocol: {', '.join(PROTOCOLS)}", where)
    targets = _range(match.group("target"), where)
    published_text = match.group("published")
    if published_text is None:
        return [PortConfig(t, None, protocol) for t in targets]
    published = _range(published_text, where)
    if len(published) != len(targets):
        raise PortError(
            f"{text!r}: the published range and the target range differ in length", where
        )
    return [PortConfig(t, p, protocol) for t, p in zip(targets, published, strict=True)]


def _range(text: str, where: str) -> list[int]:
    first, _, last = text.partition("-")
    start = _port(int(first), where)
    end = _port(int(last), where) if last else start
    if end < start:
        raise PortError(f"{text!r} is an empty range", where)
    return list(range(start, end + 1))


def _long(value: Mapping[Any, Any], where: str) -> PortConfig:
    unknown = sorted(str(k) for k in value if k not in LONG_KEYS)
    if unknown:
        raise PortError(
            f"unknown key {unknown[0]!r} (known: {', '.join(sorted(LONG_KEYS))})", where
        )
    if "target" not in value:
        raise PortError("a port needs a target", where)
    target = _port(_integer(value["target"], f"{where}.target"), f"{where}.target")
    published = None
    if value.get("published") is not None:
        published = _port(_integer(value["published"], f"{where}.published"), f"{where}.published")
    protocol = str(value.get("protocol", "tcp"))
    if protocol not in PROTOCOLS:
        raise PortError(f"{protocol!r} is not a protocol: {', '.join(PROTOCOLS)}", where)
    mode = str(value.get("mode", "ingress"))
    if mode not in MODES:
        raise PortError(f"{mode!r} is not a publish mode: ingress or host", f"{where}.mode")
    return PortConfig(target, published, protocol, mode)


def _integer(value: object, where: str) -> int:
    if isinstance(value, bool):
        raise PortError(f"{value!r} is not a port number", where)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise PortError(f"{value!r} is not a port number", where)


def _port(number: int, where: str) -> int:
    if not 1 <= number <= 65535:
        raise PortError(f"{number} is out of range (1-65535)", where)
    return number
