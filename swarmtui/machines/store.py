"""The machine store: one JSON file in the user's data directory, written atomically.

$XDG_DATA_HOME/swarmtui/machines.json (default ~/.local/share/swarmtui/machines.json), mode
0600 in a 0700 folder. It holds key paths and host-key fingerprints, never key material or
tokens.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

from swarmtui.machines.model import MachineError, MachineRecord

STORE_VERSION = 1
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_DRIVERS = ("dind", "ssh")
_ROLES = ("manager", "worker", None)


def data_dir() -> Path:
    """swarmtui's folder in the user's data directory (XDG_DATA_HOME honoured)."""
    base = os.environ.get("XDG_DATA_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "swarmtui"


def default_store_path() -> Path:
    return data_dir() / "machines.json"


def validate_name(name: str) -> str:
    """A machine name is a hostname label: lowercase letters, digits and -, up to 63."""
    if not NAME_RE.match(name):
        raise MachineError(
            f"{name!r} is not a valid machine name.",
            "Use 1-63 lowercase letters, digits and '-', starting with a letter or digit "
            "(it becomes the host name).",
        )
    return name


def record_to_json(record: MachineRecord) -> dict[str, Any]:
    return asdict(record)


def record_from_json(data: dict[str, Any]) -> MachineRecord:
    known = {f.name for f in fields(MachineRecord)}
    values = {k: v for k, v in data.items() if k in known}
    if values.get("driver") not in _DRIVERS or values.get("role") not in _ROLES:
        raise ValueError(f"bad machine record: {data!r}")
    values["extra"] = {str(k): str(v) for k, v in (values.get("extra") or {}).items()}
    values["ssh_port"] = int(values.get("ssh_port", 22))
    return MachineRecord(**values)


class MachineStore:
    """Records by name. Every change re-reads the file under a lock, then replaces it."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_store_path()
        self._lock = threading.Lock()

    # --- reading -------------------------------------------------------------------------

    def list(self) -> list[MachineRecord]:
        return sorted(self._read().values(), key=lambda r: r.name)

    def get(self, name: str) -> MachineRecord:
        record = self._read().get(name)
        if record is None:
            raise MachineError(f"There is no machine named {name!r}.", "swarmtui machine ls")
        return record

    def find(self, name: str) -> MachineRecord | None:
        return self._read().get(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._read()

    # --- writing -------------------------------------------------------------------------

    def add(self, record: MachineRecord) -> None:
        validate_name(record.name)
        with self._locked() as records:
            if record.name in records:
                raise MachineError(
                    f"A machine named {record.name!r} already exists.",
                    "Choose another name, or remove the old machine first.",
                )
            records[record.name] = record

    def update(self, record: MachineRecord) -> None:
        with self._locked() as records:
            if record.name not in records:
                raise MachineError(f"There is no machine named {record.name!r}.")
            records[record.name] = record

    def update_reachability(self, name: str, engine_url: str, address: str) -> MachineRecord:
        """Set where the machine is reached now, keeping every other field as stored (a join
        or leave may have changed them since the caller read the record)."""
        with self._locked() as records:
            record = records.get(name)
            if record is None:
                raise MachineError(f"There is no machine named {name!r}.")
            records[name] = replace(record, engine_url=engine_url, address=address)
            return records[name]

    def remove(self, name: str) -> MachineRecord:
        with self._locked() as records:
            record = records.pop(name, None)
            if record is None:
                raise MachineError(f"There is no machine named {name!r}.")
            return record

    # --- the file ------------------------------------------------------------------------

    def _read(self) -> dict[str, MachineRecord]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise MachineError(f"Cannot read the machine store {self.path}: {exc}") from exc
        try:
            data = json.loads(text) if text.strip() else {}
            machines = data.get("machines", []) if isinstance(data, dict) else None
            if not isinstance(machines, list):
                raise ValueError("no 'machines' list")
            records = [record_from_json(m) for m in machines]
        except (ValueError, TypeError) as exc:
            raise MachineError(
                f"The machine store {self.path} is damaged: {exc}",
                "Fix or move the file away; swarmtui never overwrites a file it cannot read.",
            ) from exc
        return {r.name: r for r in records}

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, MachineRecord]]:
        """Read-modify-write under a thread lock and an flock on a sibling lock file."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with self._lock:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                records = self._read()
                yield records
                self._write(records)
            finally:
                os.close(fd)

    def _write(self, records: dict[str, MachineRecord]) -> None:
        payload = {
            "version": STORE_VERSION,
            "machines": [record_to_json(records[n]) for n in sorted(records)],
        }
        fd, tmp = tempfile.mkstemp(prefix=".machines-", suffix=".tmp", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(payload, f, indent=2, sort_keys=True)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
