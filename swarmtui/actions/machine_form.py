"""The create-machine form as typed (strings), checked before anything is sent, and the
equivalent `swarmtui machine ...` command lines the console shows next to each action."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from swarmtui.actions.validation import InputError
from swarmtui.machines.model import CreateRequest, DriverName, Role

MACHINE_NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
SSH_USER_RE = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$", re.IGNORECASE)
HOST_RE = re.compile(r"^[A-Za-z0-9_.:\[\]-]+$")
JUMP_RE = re.compile(r"^[A-Za-z0-9_.@:\[\]-]+(?:,[A-Za-z0-9_.@:\[\]-]+)*$")
DRIVERS: tuple[DriverName, ...] = ("dind", "ssh")
ROLE_CHOICES = ("none", "worker", "manager")


@dataclass(frozen=True)
class CreateForm:
    driver: str = "dind"
    name: str = ""
    role: str = "none"
    host: str = ""
    ssh_user: str = "root"
    ssh_port: str = "22"
    ssh_key_path: str = ""
    ssh_proxy_jump: str = ""


def _key_file_exists(path: str) -> bool:
    return Path(path).expanduser().is_file()


def validate_name(name: str, existing: Collection[str] = ()) -> str:
    value = name.strip()
    if not value:
        raise InputError("name", "A machine needs a name.")
    if not MACHINE_NAME_RE.match(value):
        raise InputError(
            "name",
            "Use lowercase letters, digits and hyphens (at most 63, no hyphen first or last).",
        )
    if value in existing:
        raise InputError("name", f"A machine named {value} exists already.")
    return value


def validate_port(text: str) -> int:
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise InputError("ssh_port", "The SSH port is a number from 1 to 65535.")
    return int(value)


def validate_create_form(
    form: CreateForm,
    existing: Collection[str] = (),
    key_exists: Callable[[str], bool] = _key_file_exists,
) -> CreateRequest:
    """The CreateRequest FORM describes, or InputError naming the first bad field."""
    if form.driver not in DRIVERS:
        raise InputError("driver", f"Choose a driver: {', '.join(DRIVERS)}.")
    driver: DriverName = "ssh" if form.driver == "ssh" else "dind"
    name = validate_name(form.name, existing)
    if form.role not in ROLE_CHOICES:
        raise InputError("role", "Choose none, worker or manager.")
    role: Role | None = None
    if form.role == "worker":
        role = "worker"
    elif form.role == "manager":
        role = "manager"
    if driver == "dind":
        return CreateRequest(name=name, driver=driver, role=role)
    host = form.host.strip()
    if not host:
        raise InputError("host", "The address or name of the SSH host.")
    if not HOST_RE.match(host):
        raise InputError("host", "A host name or IP address, without user or port.")
    user = form.ssh_user.strip()  # empty: the one ~/.ssh/config gives, else root
    if user and not SSH_USER_RE.match(user):
        raise InputError("ssh_user", "A user name such as root or admin.")
    port = validate_port(form.ssh_port)
    key_path = form.ssh_key_path.strip()
    if key_path and not key_exists(key_path):
        raise InputError("ssh_key_path", f"No such key file: {key_path}")
    jump = form.ssh_proxy_jump.strip()
    if jump and not JUMP_RE.match(jump):
        raise InputError("ssh_proxy_jump", "user@host[:port], several separated by commas.")
    return CreateRequest(
        name=name,
        driver=driver,
        role=role,
        host=host,
        ssh_user=user,
        ssh_port=port,
        ssh_key_path=key_path,
        ssh_proxy_jump=jump,
    )


def _join(words: list[str]) -> str:
    return " ".join(shlex.quote(word) for word in words)


def create_command(request: CreateRequest) -> str:
    words = ["swarmtui", "machine", "create", "--driver", request.driver]
    if request.driver == "ssh":
        words += ["--host", request.host]
        if request.ssh_user:
            words += ["--user", request.ssh_user]
        if request.ssh_port != 22:
            words += ["--port", str(request.ssh_port)]
        if request.ssh_key_path:
            words += ["--key", request.ssh_key_path]
        if request.ssh_proxy_jump:
            words += ["--proxy-jump", request.ssh_proxy_jump]
        if request.install_docker:
            words.append("--install-docker")
    if request.role:
        words += ["--role", request.role]
    return _join([*words, request.name])


def join_command(name: str, role: Role) -> str:
    return _join(["swarmtui", "machine", "join", "--role", role, name])


def leave_command(name: str) -> str:
    return _join(["swarmtui", "machine", "leave", name])


def start_command(name: str) -> str:
    return _join(["swarmtui", "machine", "start", name])


def stop_command(name: str) -> str:
    return _join(["swarmtui", "machine", "stop", name])


def remove_command(name: str, retire: bool) -> str:
    return _join(["swarmtui", "machine", "retire" if retire else "rm", name])
