"""A sensible default for `docker swarm init --advertise-addr`."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

FALLBACK_INTERFACE = "eth0"


def default_route_interface(route_table: Path = Path("/proc/net/route")) -> str | None:
    try:
        lines = route_table.read_text().splitlines()[1:]
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) > 2 and fields[1] == "00000000":
            return fields[0]
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_advertise_address(endpoint_url: str) -> str:
    """The engine's host for remote endpoints; the local default-route interface otherwise.

    Interface names are valid advertise addresses: the engine resolves them itself.
    """
    parts = urlsplit(endpoint_url)
    host = parts.hostname or ""
    if parts.scheme in ("tcp", "ssh") and host and not _is_loopback(host):
        return host
    if parts.scheme == "unix":
        return default_route_interface() or FALLBACK_INTERFACE
    return FALLBACK_INTERFACE
