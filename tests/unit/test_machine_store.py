"""The machine store: JSON in the data dir, atomic, 0600, names validated, clashes refused."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from swarmtui.machines.model import MachineError, MachineRecord
from swarmtui.machines.store import MachineStore, data_dir, default_store_path, validate_name


def _record(name: str = "node-1", **kw: object) -> MachineRecord:
    values: dict[str, object] = {"name": name, "driver": "ssh", "address": "10.0.0.5"}
    values.update(kw)
    return MachineRecord(**values)  # type: ignore[arg-type]


def test_default_path_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "swarmtui" / "machines.json"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".local" / "share" / "swarmtui"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert data_dir() == tmp_path / "home" / ".local" / "share" / "swarmtui"


def test_round_trip_and_order(tmp_path: Path) -> None:
    store = MachineStore(tmp_path / "d" / "machines.json")
    assert store.list() == []
    b = _record(
        "b",
        role="worker",
        ssh_user="admin",
        ssh_port=2222,
        ssh_key_path="~/.ssh/id_ed25519",
        ssh_proxy_jump="bastion",
        host_key_fingerprint="SHA256:abc",
        engine_url="ssh://admin@10.0.0.5:2222",
        created_at="2026-01-01T00:00:00+00:00",
        extra={"node_id": "n1"},
    )
    store.add(b)
    store.add(_record("a", driver="dind", container_id="c1"))
    assert [r.name for r in store.list()] == ["a", "b"]
    assert MachineStore(store.path).get("b") == b
    assert "a" in store and "zz" not in store
    assert store.find("zz") is None


def test_file_mode_and_atomic_write(tmp_path: Path) -> None:
    store = MachineStore(tmp_path / "d" / "machines.json")
    store.add(_record())
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert store.path.parent.stat().st_mode & 0o777 == 0o700
    data = json.loads(store.path.read_text())
    assert data["version"] == 1 and data["machines"][0]["name"] == "node-1"
    # No temporary files left behind, only the store and its lock file.
    assert sorted(p.name for p in store.path.parent.iterdir()) == [
        "machines.json",
        "machines.json.lock",
    ]
    inode = store.path.stat().st_ino
    store.update(_record(role="manager"))
    assert store.path.stat().st_ino != inode  # replaced by rename, not rewritten in place
    assert store.get("node-1").role == "manager"


def test_clash_missing_and_remove(tmp_path: Path) -> None:
    store = MachineStore(tmp_path / "machines.json")
    store.add(_record())
    before = store.path.read_bytes()
    with pytest.raises(MachineError, match="already exists"):
        store.add(_record(address="10.9.9.9"))
    assert store.path.read_bytes() == before
    with pytest.raises(MachineError, match="no machine named"):
        store.get("other")
    with pytest.raises(MachineError):
        store.update(_record("other"))
    with pytest.raises(MachineError):
        store.remove("other")
    assert store.remove("node-1").name == "node-1"
    assert store.list() == []


@pytest.mark.parametrize("name", ["a", "node-1", "0abc", "x" * 63])
def test_valid_names(name: str) -> None:
    assert validate_name(name) == name


@pytest.mark.parametrize("name", ["", "-a", "A", "node_1", "node.1", "x" * 64, "a b", "é"])
def test_invalid_names(name: str, tmp_path: Path) -> None:
    with pytest.raises(MachineError, match="not a valid machine name"):
        validate_name(name)
    with pytest.raises(MachineError):
        MachineStore(tmp_path / "m.json").add(_record(name))


def test_damaged_file_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "machines.json"
    path.write_text("{not json")
    store = MachineStore(path)
    with pytest.raises(MachineError, match="damaged"):
        store.list()
    with pytest.raises(MachineError, match="damaged"):
        store.add(_record())
    assert path.read_text() == "{not json"


def test_no_secrets_fields() -> None:
    """Records hold key paths and fingerprints; there is no field for key material or tokens."""
    names = set(MachineRecord.__dataclass_fields__)
    assert not {n for n in names if "token" in n or n.endswith("_key") or "password" in n}


def test_concurrent_writers_keep_every_record(tmp_path: Path) -> None:
    path = tmp_path / "machines.json"
    pids = []
    for i in range(4):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            try:
                store = MachineStore(path)
                for j in range(10):
                    store.add(_record(f"p{i}-{j}"))
            finally:
                os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
    assert len(MachineStore(path).list()) == 40
