"""SSH to the lab's nodes (sshd=True labs): a key pair, the nodes' host keys."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from swarmtui.adapters.docker.lab import Lab, LabNode, lab_add_ssh_key


def new_key(path: Path, comment: str = "swarmtui-test") -> str:
    """Make an ed25519 key pair at PATH (no passphrase); its public key line."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path.with_suffix(".pub").read_text().strip()


def fingerprints(known_hosts: str) -> set[str]:
    """The SHA256 fingerprints of the host keys in KNOWN_HOSTS text."""
    done = subprocess.run(
        ["ssh-keygen", "-l", "-f", "-"], input=known_hosts, capture_output=True, text=True
    )
    return {line.split()[1] for line in done.stdout.splitlines() if len(line.split()) > 1}


def remove_key(engine: Any, lab: Lab, public_key: str) -> None:
    script = 'f=/root/.ssh/authorized_keys; grep -vxF "$1" "$f" > "$f.new"; mv "$f.new" "$f"'
    for node in lab.nodes:
        container = engine.containers.get(node.container_id)
        container.exec_run(["sh", "-c", script, "sh", public_key])


def node_named(lab: Lab, name: str) -> LabNode:
    return next(n for n in lab.nodes if n.name == name)


@contextmanager
def home_reaching_over_ssh(engine: Any, lab: Lab, home: Path, node_name: str) -> Iterator[Path]:
    """HOME with a key the lab's nodes accept and a config mapping NODE_NAME to its sshd
    (a console not told about the lab reaches that node's engine only over SSH)."""
    ssh_dir = home / ".ssh"
    ssh_dir.mkdir(parents=True, mode=0o700)
    public_key = new_key(ssh_dir / "id_ed25519")
    lab_add_ssh_key(lab.name, public_key)
    address = node_named(lab, node_name).address
    config = home / ".config" / "swarmtui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[nodes]\n"{node_name}" = "root@{address}"\n')
    try:
        yield home
    finally:
        remove_key(engine, lab, public_key)
