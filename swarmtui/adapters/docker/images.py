"""Build the lab's images locally (no registry is reachable) and copy images between engines."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any

import docker

from swarmtui.adapters.docker.engine_setup import EngineSetupError, apt_install, ensure_tools

WORKLOAD_IMAGE = "swarmtui-workload:1"
NODE_IMAGE = "swarmtui-node:bookworm"
NODE_SUITE = "bookworm"
NODE_PACKAGES = "docker.io,openssh-server,sudo,iproute2,iptables,procps,ca-certificates"
NODE_ENTRYPOINT = "/usr/local/bin/swarmtui-node-entrypoint"
ENTRYPOINT_LABEL = "swarmtui.node.entrypoint-sha256"
BUSYBOX_APPLETS = [
    "sh",
    "ping",
    "sleep",
    "echo",
    "cat",
    "httpd",
    "nc",
    "hostname",
    "date",
    "seq",
    "yes",
    "head",
    "tail",
    "wc",
    "sed",
    "grep",
    "awk",
    "env",
    "true",
    "false",
    "ls",
]
# Imports and loads of a few hundred MB outlast docker-py's default 60 s read timeout.
TRANSFER_TIMEOUT = 900
CHUNK = 1 << 20

Log = Callable[[str], None]


def image_exists(client: Any, name: str) -> bool:
    try:
        client.images.get(name)
    except docker.errors.ImageNotFound:
        return False
    return True


def ensure_workload_image(client: Any, log: Log) -> None:
    """Build swarmtui-workload:1: Debian's static busybox and its applet links, nothing else."""
    if image_exists(client, WORKLOAD_IMAGE):
        return
    busybox = Path("/bin/busybox")
    if not _is_static_busybox(busybox):
        apt_install(["busybox-static"], log)
        if not _is_static_busybox(busybox):
            raise EngineSetupError(f"{busybox} is not Debian's busybox-static build")
    log(f"building {WORKLOAD_IMAGE}")
    with tempfile.TemporaryDirectory(prefix="swarmtui-workload-") as tmp:
        root = Path(tmp)
        (root / "bin").mkdir()
        (root / "tmp").mkdir(mode=0o1777)
        shutil.copy2(busybox, root / "bin" / "busybox")
        for applet in BUSYBOX_APPLETS:
            (root / "bin" / applet).symlink_to("busybox")
        _import_dir(
            client,
            root,
            WORKLOAD_IMAGE,
            ['CMD ["sh"]'],
        )
    log(f"built {WORKLOAD_IMAGE}")


def _is_static_busybox(path: Path) -> bool:
    # Debian's dynamically linked busybox would not run in an image without libc.
    if not path.is_file():
        return False
    with open(path, "rb") as f:
        head = f.read(4096)
    return head.startswith(b"\x7fELF") and b"ld-linux" not in head


def ensure_node_image(client: Any, log: Log) -> None:
    """Build swarmtui-node:bookworm with debootstrap: a Debian with dockerd and sshd.

    An existing image is kept unless it was built with another entrypoint script or
    package list.
    """
    script = resources.files("swarmtui.adapters.docker").joinpath("node_entrypoint.sh").read_bytes()
    digest = hashlib.sha256(script + NODE_PACKAGES.encode()).hexdigest()[:16]
    try:
        old = client.images.get(NODE_IMAGE)
    except docker.errors.ImageNotFound:
        old = None
    if old is not None and old.labels.get(ENTRYPOINT_LABEL) == digest:
        return
    if os.geteuid() != 0:
        raise EngineSetupError(f"building {NODE_IMAGE} needs debootstrap, which needs root")
    ensure_tools({"debootstrap": "debootstrap"}, log)
    log(f"building {NODE_IMAGE} with debootstrap (about a minute)")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="swarmtui-node-", dir="/var/tmp") as tmp:
        root = Path(tmp) / "rootfs"
        argv = [
            "debootstrap",
            "--variant=minbase",
            f"--include={NODE_PACKAGES}",
            NODE_SUITE,
            str(root),
        ]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise EngineSetupError(
                f"debootstrap failed ({done.returncode}): "
                + (done.stderr or done.stdout).strip()[-2000:]
            )
        for deb in (root / "var/cache/apt/archives").glob("*.deb"):
            deb.unlink()
        entrypoint = root / NODE_ENTRYPOINT.lstrip("/")
        entrypoint.write_bytes(script)
        entrypoint.chmod(0o755)
        _import_dir(
            client,
            root,
            NODE_IMAGE,
            [
                f'ENTRYPOINT ["{NODE_ENTRYPOINT}"]',
                "VOLUME /var/lib/docker",
                f"LABEL {ENTRYPOINT_LABEL}={digest}",
            ],
        )
    log(f"built {NODE_IMAGE} in {time.monotonic() - started:.0f} s")
    if old is not None:
        with suppress(docker.errors.APIError):  # still used by some container: keep it
            client.images.remove(old.id)


def _import_dir(client: Any, root: Path, image: str, changes: list[str]) -> None:
    """docker import of a folder, streaming the tar from `tar -c` (bounded memory)."""
    repository, tag = image.rsplit(":", 1)
    with tempfile.TemporaryFile() as err:
        tar = subprocess.Popen(
            ["tar", "-C", str(root), "--numeric-owner", "-c", "."],
            stdout=subprocess.PIPE,
            stderr=err,
        )
        assert tar.stdout is not None
        try:
            with _long_timeout(client.api):
                client.api.import_image(
                    src=_chunks(tar.stdout),
                    repository=repository,
                    tag=tag,
                    changes=changes,
                    stream_src=True,
                )
        finally:
            tar.stdout.close()
            tar.wait()
        if tar.returncode != 0:
            err.seek(0)
            raise EngineSetupError(f"tar of {root} failed: {err.read().decode(errors='replace')}")
    if not image_exists(client, image):
        raise EngineSetupError(f"docker import did not produce {image}")


@contextmanager
def _long_timeout(api: Any) -> Iterator[None]:
    saved = api.timeout
    api.timeout = TRANSFER_TIMEOUT
    try:
        yield
    finally:
        api.timeout = saved


def _chunks(stream: Any) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def load_image_into(node_client: Any, image_name: str, host_client: Any) -> None:
    """docker save from the host piped into docker load on a node, streamed chunk by chunk."""
    saved = host_client.api.get_image(image_name, chunk_size=CHUNK)
    with _long_timeout(node_client.api):
        for message in node_client.api.load_image(saved):
            if "error" in message:
                raise EngineSetupError(f"loading {image_name} failed: {message['error']}")
    if not image_exists(node_client, image_name):
        raise EngineSetupError(f"{image_name} is missing on the node after docker load")
