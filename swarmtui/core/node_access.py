"""Where a swarm node's engine is reached: the destinations the config's `[nodes]` table names
and the `[exec]` settings.

    [nodes]
    "worker1" = "admin@10.0.0.21"            # user@host
    "gpu-*"   = "ssh://ops@bastion-gpu:2222"  # ssh://user@host[:port]
    "edge-?"  = "edge-jump"                   # an alias of ~/.ssh/config
    "db-1"    = "context:prod-db"             # a docker context

    [exec]
    command = "bash -l"                       # default shell; unset: bash, else sh

Keys are node hostnames or fnmatch patterns, matched without regard to case, the first
match in file order winning (as in ~/.ssh/config: put exact names before patterns).
A destination never starts with "-" (it ends up on an ssh command line) and holds no password.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from dataclasses import dataclass
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

CONTEXT_PREFIX = "context:"
_HOST_RE = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$")
_USER_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
_CONTEXT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")  # the docker CLI's rule
_PATTERN_RE = re.compile(r"^[A-Za-z0-9._*?\[\]!-]+$")


class DestinationError(ValueError):
    """A `[nodes]` value or key that cannot be used; the message says why."""


@dataclass(frozen=True)
class SshDestination:
    """An SSH login: HOST is a name, an address or an alias of ~/.ssh/config.

    An empty USER or a PORT of 0 leave it to ~/.ssh/config, then to the current user and 22.
    """

    host: str
    user: str = ""
    port: int = 0
    key_path: str = ""
    proxy_jump: str = ""

    @property
    def login(self) -> str:
        """user@host (host alone without a user), as ssh takes it."""
        return f"{self.user}@{self.host}" if self.user else self.host

    def ssh_options(self) -> list[str]:
        """The options of an `ssh` command line reaching this destination (login excluded)."""
        options: list[str] = []
        if self.port:
            options += ["-p", str(self.port)]
        if self.key_path:
            options += ["-i", self.key_path]
        if self.proxy_jump:
            options += ["-J", self.proxy_jump]
        return options

    def __str__(self) -> str:
        port = f":{self.port}" if self.port else ""
        return f"{self.login}{port}"


@dataclass(frozen=True)
class ContextDestination:
    """A docker context (`docker context ls`) whose endpoint is that node's engine."""

    name: str

    def __str__(self) -> str:
        return f"{CONTEXT_PREFIX}{self.name}"


NodeDestination = SshDestination | ContextDestination


@dataclass(frozen=True)
class NodeMapping:
    """One entry of the `[nodes]` table."""

    pattern: str
    destination: NodeDestination

    def matches(self, hostname: str) -> bool:
        return fnmatchcase(hostname.lower(), self.pattern.lower())


@dataclass(frozen=True)
class ExecSettings:
    """The `[exec]` table. COMMAND: the default shell (argv); empty: bash, else sh."""

    command: tuple[str, ...] = ()


def mapping_for(mappings: tuple[NodeMapping, ...], hostname: str) -> NodeMapping | None:
    """The first entry whose pattern matches HOSTNAME, or None."""
    if not hostname:
        return None
    return next((m for m in mappings if m.matches(hostname)), None)


def is_valid_host(host: str) -> bool:
    if _HOST_RE.match(host):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def parse_destination(raw: str) -> NodeDestination:
    """`context:NAME`, `ssh://user@host[:port]`, `user@host` or an ssh alias; DestinationError
    with the reason otherwise."""
    text = raw.strip()
    if not text:
        raise DestinationError("empty destination")
    if text.startswith(CONTEXT_PREFIX):
        name = text.removeprefix(CONTEXT_PREFIX)
        if not _CONTEXT_RE.match(name):
            raise DestinationError(f"{text!r} names no valid docker context")
        return ContextDestination(name)
    if "://" in text:
        return _parse_ssh_url(text)
    user, at, host = text.rpartition("@")
    if at and not _USER_RE.match(user):
        raise DestinationError(f"{text!r}: invalid user name {user!r}")
    if not is_valid_host(host):
        hint = " (a port needs the ssh://user@host:port form)" if ":" in host else ""
        raise DestinationError(f"{text!r}: invalid host name {host!r}{hint}")
    return SshDestination(host=host, user=user)


def _parse_ssh_url(text: str) -> SshDestination:
    scheme = text.split("://", 1)[0].lower()
    if scheme != "ssh":
        raise DestinationError(
            f"{text!r}: use ssh://user@host[:port], user@host, an ssh alias or context:NAME"
        )
    try:
        parts = urlsplit(text)
        port = parts.port or 0
    except ValueError as exc:
        raise DestinationError(f"{text!r}: {exc}") from exc
    if parts.password is not None:
        raise DestinationError(
            f"{ssh_url_without_password(text)!r}: no passwords in the config; "
            "use a key or the SSH agent"
        )
    host = parts.hostname or ""
    user = parts.username or ""
    if not host or not is_valid_host(host):
        raise DestinationError(f"{text!r}: missing or invalid host name")
    if user and not _USER_RE.match(user):
        raise DestinationError(f"{text!r}: invalid user name {user!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise DestinationError(f"{text!r}: an ssh destination has no path")
    return SshDestination(host=host, user=user, port=port)


def ssh_url_without_password(text: str) -> str:
    scheme, _, rest = text.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return text
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


def parse_nodes_table(table: object) -> tuple[NodeMapping, ...]:
    """The `[nodes]` table (in file order); DestinationError naming the bad entry."""
    if not isinstance(table, dict):
        raise DestinationError(
            '[nodes] maps node hostnames or patterns to destinations, e.g. "worker-*" = '
            '"admin@10.0.0.5"'
        )
    mappings: list[NodeMapping] = []
    for pattern, value in table.items():
        if not isinstance(pattern, str) or not _PATTERN_RE.match(pattern):
            raise DestinationError(
                f"[nodes] {pattern!r}: a key is a node hostname or an fnmatch pattern "
                "(letters, digits, . _ - and * ? [ ] !)"
            )
        if not isinstance(value, str):
            raise DestinationError(
                f"[nodes] {pattern!r}: the destination must be a string such as "
                '"user@host", "ssh://user@host:2222" or "context:NAME"'
            )
        try:
            destination = parse_destination(value)
        except DestinationError as exc:
            raise DestinationError(f"[nodes] {pattern!r}: {exc}") from exc
        mappings.append(NodeMapping(pattern, destination))
    return tuple(mappings)


def parse_exec_table(table: object) -> ExecSettings:
    """The `[exec]` table; DestinationError (a ValueError) naming the bad key."""
    if not isinstance(table, dict):
        raise DestinationError('[exec] is a table, e.g. [exec] command = "bash"')
    unknown = sorted(str(k) for k in table if k != "command")
    if "allow_exec_in_read_only" in unknown:
        raise DestinationError(
            "allow_exec_in_read_only goes at the top of the config, beside read_only, not in [exec]"
        )
    if unknown:
        raise DestinationError(f"[exec] has no setting {unknown[0]!r} (known: command)")
    raw = table.get("command", "")
    if not isinstance(raw, str):
        raise DestinationError('[exec] command must be a string, e.g. command = "bash -l"')
    try:
        argv = tuple(shlex.split(raw))
    except ValueError as exc:
        raise DestinationError(f"[exec] command {raw!r}: {exc}") from exc
    if argv and not argv[0]:
        raise DestinationError(f"[exec] command {raw!r} names no program")
    return ExecSettings(command=argv)
