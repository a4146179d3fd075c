"""SSH connections to machines: ~/.ssh/config, agent or key file, ProxyJump, strict host keys.

Host keys live in swarmtui's own known_hosts ($XDG_DATA_HOME/swarmtui/known_hosts); the
user's ~/.ssh/known_hosts is never written (paramiko's HostKeys.save() rewrites a whole file and
drops lines it cannot parse). A host seen for the first time raises HostKeyUnknown with its
SHA256 fingerprint; it is trusted only when the caller passes that fingerprint back as
confirmed. A changed key is refused (HostKeyChanged).
"""

from __future__ import annotations

import base64
import errno
import getpass
import hashlib
import os
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import paramiko

from swarmtui.machines.model import HostKeyChanged, HostKeyUnknown, MachineError
from swarmtui.machines.store import data_dir

CONNECT_TIMEOUT = 10.0
BANNER_TIMEOUT = 10.0
AUTH_TIMEOUT = 15.0
KEEPALIVE_SECONDS = 15
COMMAND_TIMEOUT = 900.0


def known_hosts_path() -> Path:
    return data_dir() / "known_hosts"


def fingerprint(key: paramiko.PKey) -> str:
    """SHA256:... exactly as `ssh-keygen -l` prints it."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def parse_fingerprints(text: str) -> set[str]:
    """Confirmed fingerprints: comma or space separated; the SHA256: prefix is optional."""
    found: set[str] = set()
    for part in text.replace(",", " ").split():
        found.add(part if part.startswith("SHA256:") else f"SHA256:{part}")
    return found


@dataclass(frozen=True)
class SshTarget:
    """What the user typed (or the record holds); resolve() fills in ~/.ssh/config."""

    host: str
    user: str = ""
    port: int = 0  # 0: from ~/.ssh/config, else 22
    key_path: str = ""
    proxy_jump: str = ""


@dataclass(frozen=True)
class ResolvedTarget:
    alias: str  # the name as typed
    hostname: str  # where we connect (HostName from the config, else the alias)
    user: str
    port: int
    key_files: tuple[str, ...]
    proxy_jump: str
    explicit_key: bool = False

    @property
    def display(self) -> str:
        return f"{self.user}@{self.hostname}:{self.port}"

    @property
    def known_hosts_name(self) -> str:
        return self.hostname if self.port == 22 else f"[{self.hostname}]:{self.port}"


def ssh_config_path() -> Path:
    return Path.home() / ".ssh" / "config"


def _load_ssh_config() -> paramiko.SSHConfig | None:
    path = ssh_config_path()
    if not path.is_file():
        return None
    try:
        return paramiko.SSHConfig.from_path(str(path))
    except (OSError, paramiko.SSHException):
        return None


def resolve(target: SshTarget, config: paramiko.SSHConfig | None = None) -> ResolvedTarget:
    """Apply ~/.ssh/config (HostName, User, Port, IdentityFile, ProxyJump) to TARGET.

    Explicit values win over the config; the config wins over defaults.
    """
    if not target.host:
        raise MachineError("No host given.", "Give the host name or address to connect to.")
    config = config if config is not None else _load_ssh_config()
    entry: dict[str, Any] = dict(config.lookup(target.host)) if config is not None else {}
    hostname = str(entry.get("hostname") or target.host)
    user = target.user or str(entry.get("user") or "") or getpass.getuser()
    port = target.port or int(entry.get("port") or 22)
    explicit = bool(target.key_path)
    if explicit:
        keys: tuple[str, ...] = (os.path.expanduser(target.key_path),)
    else:
        keys = tuple(os.path.expanduser(str(k)) for k in entry.get("identityfile") or [])
        keys = tuple(k for k in keys if os.path.isfile(k))
    jump = target.proxy_jump or str(entry.get("proxyjump") or "")
    if jump.lower() == "none":
        jump = ""
    return ResolvedTarget(target.host, hostname, user, port, keys, jump, explicit)


def parse_jump(spec: str) -> SshTarget:
    """One ProxyJump hop: [user@]host[:port] (ssh://user@host:port accepted too)."""
    text = spec.strip().removeprefix("ssh://")
    user, _, hostport = text.rpartition("@")
    host, port = hostport, 0
    if hostport.startswith("["):  # [v6]:port
        host, _, rest = hostport[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") else 0
    elif hostport.count(":") == 1:
        host, _, raw = hostport.partition(":")
        port = int(raw)
    return SshTarget(host=host, user=user, port=port)


class _ConfirmPolicy(paramiko.MissingHostKeyPolicy):
    """Unknown key: trusted (and saved to swarmtui's known_hosts) only when confirmed."""

    def __init__(self, confirmed: set[str], path: Path) -> None:
        self.confirmed = confirmed
        self.path = path

    def missing_host_key(
        self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey
    ) -> None:
        found = fingerprint(key)
        if found not in self.confirmed:
            raise HostKeyUnknown(hostname, found, key.get_name(), ", ".join(sorted(self.confirmed)))
        client.get_host_keys().add(hostname, key.get_name(), key)
        save_host_key(self.path, hostname, key)


def save_host_key(path: Path, hostname: str, key: paramiko.PKey) -> None:
    """Append one line to swarmtui's known_hosts (0600 in a 0700 folder)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="ascii") as f:
        f.write(f"{hostname} {key.get_name()} {key.get_base64()}\n")


def _load_known(path: Path) -> paramiko.HostKeys:
    keys = paramiko.HostKeys()
    if path.is_file():
        keys.load(str(path))
    return keys


@dataclass(frozen=True)
class CommandResult:
    code: int
    stdout: str
    stderr: str


@dataclass
class SshSession:
    """An authenticated connection (plus the jump hosts' connections it goes through)."""

    client: paramiko.SSHClient
    target: ResolvedTarget
    host_fingerprint: str
    jumps: list[paramiko.SSHClient] = field(default_factory=list)

    def run(
        self, command: str, *, stdin: bytes | None = None, timeout: float = COMMAND_TIMEOUT
    ) -> CommandResult:
        """Run COMMAND; reads stdout and stderr to the end before asking for the exit status."""
        transport = self.client.get_transport()
        if transport is None or not transport.is_active():
            raise MachineError(f"The SSH connection to {self.target.display} is closed.")
        channel = transport.open_session(timeout=CONNECT_TIMEOUT)
        try:
            channel.exec_command(command)
            if stdin is not None:
                channel.sendall(stdin)
            channel.shutdown_write()
            out, err = _drain(channel, timeout, command)
            code = channel.recv_exit_status()
        finally:
            channel.close()
        return CommandResult(code, out.decode(errors="replace"), err.decode(errors="replace"))

    def close(self) -> None:
        self.client.close()
        for jump in reversed(self.jumps):
            jump.close()

    def __enter__(self) -> SshSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _drain(channel: paramiko.Channel, timeout: float, command: str) -> tuple[bytes, bytes]:
    out: list[bytes] = []
    err: list[bytes] = []
    deadline = time.monotonic() + timeout
    while True:
        got = False
        while channel.recv_ready():
            out.append(channel.recv(65536))
            got = True
        while channel.recv_stderr_ready():
            err.append(channel.recv_stderr(65536))
            got = True
        if channel.exit_status_ready() and not channel.recv_ready():
            if not channel.recv_stderr_ready():
                break
            continue
        if not got:
            if time.monotonic() > deadline:
                raise MachineError(f"`{command.split()[0]}` did not finish within {timeout:.0f} s.")
            time.sleep(0.01)
    return b"".join(out), b"".join(err)


def connect(
    target: SshTarget,
    *,
    accept_fingerprints: Iterable[str] = (),
    timeout: float = CONNECT_TIMEOUT,
    known_hosts: Path | None = None,
) -> SshSession:
    """Connect and authenticate, through the ProxyJump hosts if any.

    Raises HostKeyUnknown / HostKeyChanged / MachineError with a plain explanation.
    """
    resolved = resolve(target)
    path = known_hosts if known_hosts is not None else known_hosts_path()
    confirmed = {f.strip() for f in accept_fingerprints if f.strip()}
    jumps: list[paramiko.SSHClient] = []
    sock: Any = None
    try:
        if resolved.proxy_jump:
            for hop_spec in resolved.proxy_jump.split(","):
                hop = resolve(parse_jump(hop_spec))
                # A hop without keys of its own tries the target's key.
                if not hop.key_files and resolved.key_files:
                    hop = ResolvedTarget(
                        hop.alias, hop.hostname, hop.user, hop.port, resolved.key_files, ""
                    )
                client, _ = _connect_one(hop, sock, confirmed, path, timeout, via=None)
                jumps.append(client)
                # A channel to the next hop, or to the target after the last hop.
                sock = _jump_channel(client, resolved, jumps, hop_spec, timeout)
        client, found = _connect_one(resolved, sock, confirmed, path, timeout, via=jumps)
    except BaseException:
        for jump in reversed(jumps):
            jump.close()
        raise
    return SshSession(client, resolved, found, jumps)


def _jump_channel(
    jump: paramiko.SSHClient,
    final: ResolvedTarget,
    jumps: list[paramiko.SSHClient],
    hop_spec: str,
    timeout: float,
) -> paramiko.Channel:
    """direct-tcpip from the jump host to the next hop, or to the target after the last hop."""
    hops = final.proxy_jump.split(",")
    index = len(jumps)  # hops connected so far
    if index < len(hops):
        nxt = resolve(parse_jump(hops[index]))
        dest = (nxt.hostname, nxt.port)
    else:
        dest = (final.hostname, final.port)
    transport = jump.get_transport()
    assert transport is not None
    try:
        return transport.open_channel("direct-tcpip", dest, ("127.0.0.1", 0), timeout=timeout)
    except (paramiko.SSHException, OSError) as exc:
        raise MachineError(
            f"The jump host {hop_spec} cannot reach {dest[0]}:{dest[1]}: {exc}",
            "Check the address as the jump host sees it, and AllowTcpForwarding on the jump.",
        ) from exc


def _connect_one(
    target: ResolvedTarget,
    sock: Any,
    confirmed: set[str],
    path: Path,
    timeout: float,
    via: list[paramiko.SSHClient] | None,
) -> tuple[paramiko.SSHClient, str]:
    client = paramiko.SSHClient()
    # Only swarmtui's own file: the policy appends confirmed keys to it, nothing saves over it.
    for hostname, entry in _load_known(path).items():
        for key_type, key in entry.items():
            client.get_host_keys().add(hostname, key_type, key)
    client.set_missing_host_key_policy(_ConfirmPolicy(confirmed, path))
    where = target.display + (" (through the jump host)" if via else "")
    try:
        client.connect(
            target.hostname,
            port=target.port,
            username=target.user,
            key_filename=cast(Any, list(target.key_files) or None),  # paramiko takes a list
            allow_agent=True,
            look_for_keys=not target.explicit_key,
            timeout=timeout,
            banner_timeout=BANNER_TIMEOUT,
            auth_timeout=AUTH_TIMEOUT,
            channel_timeout=timeout,
            sock=sock,
        )
    except HostKeyUnknown:
        client.close()
        raise
    except paramiko.BadHostKeyException as exc:
        client.close()
        raise HostKeyChanged(
            target.known_hosts_name, fingerprint(exc.key), fingerprint(exc.expected_key), str(path)
        ) from exc
    except paramiko.PasswordRequiredException as exc:
        client.close()
        raise MachineError(
            f"The key file {', '.join(target.key_files)} is protected by a passphrase.",
            "Load it into ssh-agent (ssh-add) and try again.",
        ) from exc
    except paramiko.AuthenticationException as exc:
        client.close()
        keys = ", ".join(target.key_files) or "the agent's and ~/.ssh's keys"
        raise MachineError(
            f"Authentication failed for {where}: the server accepted none of the keys offered "
            f"({keys}).",
            f"Check the user name and that the public key is in ~{target.user}/.ssh/"
            "authorized_keys on the host.",
        ) from exc
    except TimeoutError as exc:
        client.close()
        raise MachineError(
            f"No answer from {where} within {timeout:.0f} s.",
            "Check the address and port, and whether a firewall drops SSH; a ProxyJump may be "
            "needed.",
        ) from exc
    except paramiko.ssh_exception.NoValidConnectionsError as exc:
        client.close()
        refused = all(getattr(e, "errno", None) == errno.ECONNREFUSED for e in exc.errors.values())
        if not refused:
            raise MachineError(f"Cannot reach {where}: {exc.strerror or exc}.") from exc
        raise MachineError(
            f"{where} refused the connection: no SSH server listens on port {target.port}.",
            "Check the port (-p) and that sshd runs on the host.",
        ) from exc
    except ConnectionRefusedError as exc:
        client.close()
        raise MachineError(
            f"{where} refused the connection: no SSH server listens on port {target.port}.",
            "Check the port (-p) and that sshd runs on the host.",
        ) from exc
    except socket.gaierror as exc:
        client.close()
        raise MachineError(
            f"Cannot resolve the host name {target.hostname}: {exc.strerror}.",
            "Check the spelling, or give an address.",
        ) from exc
    except paramiko.SSHException as exc:
        client.close()
        raise MachineError(
            f"SSH with {where} failed: {exc}.",
            "Is it an SSH server on that port? Is it overloaded?",
        ) from exc
    except OSError as exc:
        client.close()
        raise MachineError(f"Cannot reach {where}: {exc.strerror or exc}.") from exc
    transport = client.get_transport()
    assert transport is not None
    transport.set_keepalive(KEEPALIVE_SECONDS)
    server_key = transport.get_remote_server_key()
    return client, fingerprint(server_key)
