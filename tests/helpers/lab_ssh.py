"""SSH to the lab's nodes (sshd=True labs): a key pair, the nodes' host keys."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from swarmtui.adapters.docker.lab import Lab


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
