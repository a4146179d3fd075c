"""Validation of what the user types, before anything is sent to the engine."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_REPLICAS = 10_000
SERVICE_NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$")
IMAGE_RE = re.compile(r"^[a-z0-9][a-z0-9._/:@-]*$", re.IGNORECASE)
ENV_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LABEL_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
CONSTRAINT_RE = re.compile(
    r"^(node\.(id|hostname|role|platform\.os|platform\.arch|labels\.[\w.-]+)"
    r"|engine\.labels\.[\w.-]+)\s*(==|!=)\s*\S+$"
)


class InputError(ValueError):
    """A field's value is not acceptable; `field` names it for the form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_replicas(text: str, field: str = "replicas") -> int:
    value = text.strip()
    if not value:
        raise InputError(field, "Enter a number of replicas.")
    if not value.isdigit():
        raise InputError(field, f"{value!r} is not a whole number >= 0.")
    replicas = int(value)
    if replicas > MAX_REPLICAS:
        raise InputError(field, f"{replicas} replicas is more than the limit of {MAX_REPLICAS}.")
    return replicas


def validate_service_name(text: str) -> str:
    name = text.strip()
    if not name:
        raise InputError("name", "A service needs a name.")
    if not SERVICE_NAME_RE.match(name):
        raise InputError(
            "name",
            f"{name!r}: use letters, digits, '_', '.', '-', starting with a letter or digit "
            "(at most 63 characters).",
        )
    return name


def validate_image(text: str) -> str:
    image = text.strip()
    if not image:
        raise InputError("image", "An image is required.")
    if any(c.isspace() for c in image) or not IMAGE_RE.match(image):
        raise InputError("image", f"{image!r} is not a valid image reference.")
    return image


def env_entry(item: str) -> str:
    key, sep, _ = item.partition("=")
    if not sep or not ENV_KEY_RE.match(key):
        raise InputError("env", f"{item!r}: environment entries are KEY=VALUE.")
    return item


def parse_env(lines: str) -> list[str]:
    return [env_entry(item) for item in _items(lines)]


def label_entry(item: str, field: str = "labels") -> tuple[str, str]:
    key, _, value = item.partition("=")
    if not LABEL_KEY_RE.match(key):
        raise InputError(field, f"{item!r}: labels are KEY or KEY=VALUE.")
    return key, value


def parse_labels(lines: str, field: str = "labels") -> dict[str, str]:
    return dict(label_entry(item, field) for item in _items(lines))


def constraint_entry(item: str) -> str:
    if not CONSTRAINT_RE.match(item):
        raise InputError(
            "constraints",
            f"{item!r}: constraints look like node.role==manager or node.labels.zone!=a.",
        )
    return item


def parse_constraints(lines: str) -> list[str]:
    return [constraint_entry(item) for item in _items(lines)]


@dataclass(frozen=True)
class PortMapping:
    target: int
    published: int | None
    protocol: str = "tcp"
    mode: str = "ingress"

    def flag(self) -> str:
        parts = [f"target={self.target}"]
        if self.published is not None:
            parts.insert(0, f"published={self.published}")
        if self.protocol != "tcp":
            parts.append(f"protocol={self.protocol}")
        if self.mode != "ingress":
            parts.append(f"mode={self.mode}")
        return ",".join(parts)


def _port_number(text: str, what: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise InputError("ports", f"{what} port {text!r} is not between 1 and 65535.")
    return int(text)


def port_entry(item: str) -> PortMapping:
    """`8080:80`, `8080:80/udp`, `80` (target only), optional `@host` for host mode."""
    spec, _, mode = item.partition("@")
    mode = mode or "ingress"
    if mode not in ("ingress", "host"):
        raise InputError("ports", f"{item!r}: publish mode is ingress or host.")
    spec, _, protocol = spec.partition("/")
    protocol = protocol or "tcp"
    if protocol not in ("tcp", "udp", "sctp"):
        raise InputError("ports", f"{item!r}: protocol is tcp, udp or sctp.")
    published_text, sep, target_text = spec.partition(":")
    if not sep:
        target_text, published_text = published_text, ""
    target = _port_number(target_text, "target")
    published = _port_number(published_text, "published") if published_text else None
    return PortMapping(target, published, protocol, mode)


def refuse_repeated_published(ports: list[PortMapping]) -> None:
    seen = [p.published for p in ports if p.published is not None]
    if len(seen) != len(set(seen)):
        raise InputError("ports", "The same published port appears twice.")


def parse_ports(lines: str) -> list[PortMapping]:
    ports = [port_entry(item) for item in _items(lines)]
    refuse_repeated_published(ports)
    return ports


@dataclass(frozen=True)
class MountSpec:
    kind: str  # volume | bind
    source: str
    target: str
    read_only: bool

    def flag(self) -> str:
        source = f"source={self.source}," if self.source else ""  # anonymous volume, tmpfs
        flag = f"type={self.kind},{source}target={self.target}"
        return flag + (",readonly" if self.read_only else "")


def mount_entry(item: str) -> MountSpec:
    """`volume:SOURCE:/target[:ro]` or `bind:/source:/target[:ro]`."""
    parts = item.split(":")
    read_only = parts[-1] == "ro"
    if read_only:
        parts = parts[:-1]
    if len(parts) != 3 or parts[0] not in ("volume", "bind"):
        raise InputError("mounts", f"{item!r}: use volume:NAME:/path or bind:/src:/path[:ro].")
    kind, source, target = parts
    if not target.startswith("/") or (kind == "bind" and not source.startswith("/")):
        raise InputError("mounts", f"{item!r}: paths must be absolute.")
    return MountSpec(kind, source, target, read_only)


def parse_mounts(lines: str) -> list[MountSpec]:
    return [mount_entry(item) for item in _items(lines)]


_DURATION_RE = re.compile(r"^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$")
_UNIT_NANOS = {
    "ns": 1,
    "us": 1_000,
    "ms": 1_000_000,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}


def parse_duration(text: str, field: str) -> int | None:
    """Go-style durations (`10s`, `1m`, `500ms`) to nanoseconds; empty gives None."""
    value = text.strip()
    if not value:
        return None
    match = _DURATION_RE.match(value)
    if not match:
        raise InputError(field, f"{value!r}: durations look like 10s, 1m or 500ms.")
    return int(float(match.group(1)) * _UNIT_NANOS[match.group(2)])


def parse_cpus(text: str, field: str) -> int | None:
    """CPUs as a decimal (`0.5`) to NanoCPUs."""
    value = text.strip()
    if not value:
        return None
    try:
        cpus = float(value)
    except ValueError:
        raise InputError(field, f"{value!r} is not a number of CPUs.") from None
    if not 0 < cpus <= 1024:
        raise InputError(field, f"{value!r}: CPUs must be above 0.")
    return int(cpus * 1e9)


_MEMORY_RE = re.compile(r"^(\d+(?:\.\d+)?)([kmgKMG]?)[bB]?$")


def parse_memory(text: str, field: str) -> int | None:
    value = text.strip()
    if not value:
        return None
    match = _MEMORY_RE.match(value)
    if not match:
        raise InputError(field, f"{value!r}: memory looks like 512M or 1G.")
    factor = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[match.group(2).lower()]
    amount = int(float(match.group(1)) * factor)
    if amount < 6 * 2**20 and field.startswith("limit"):
        raise InputError(field, "A memory limit below 6M cannot start a container.")
    return amount


def parse_whole(text: str, field: str, minimum: int = 0) -> int | None:
    value = text.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < minimum:
        raise InputError(field, f"{value!r} is not a whole number >= {minimum}.")
    return int(value)


def _items(lines: str) -> list[str]:
    """Entries separated by newlines or commas-with-space; blank ones dropped."""
    items: list[str] = []
    for line in lines.replace(";", "\n").splitlines():
        items.extend(part.strip() for part in line.split(" ") if part.strip())
    return items
