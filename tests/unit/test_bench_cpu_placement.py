"""The scale run's cgroup helpers: a container's CPU counter read from v1 or v2, and the
console's own core and the lab's others given and taken back again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks import cpu_placement
from benchmarks.scale_figures import _manager_cores


def test_a_containers_cpu_is_read_from_either_hierarchy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cpu_placement, "ROOT", tmp_path)
    assert cpu_placement.container_cpu_seconds("abc") is None
    v2 = tmp_path / "system.slice" / "docker-abc.scope"
    v2.mkdir(parents=True)
    (v2 / "cpu.stat").write_text("usage_usec 2500000\nuser_usec 2000000\n")
    assert cpu_placement.container_cpu_seconds("abc") == 2.5
    v1 = tmp_path / "cpuacct" / "docker" / "abc"
    v1.mkdir(parents=True)
    (v1 / "cpuacct.usage").write_text("1500000000\n")
    assert cpu_placement.container_cpu_seconds("abc") == 1.5


class Container:
    """A docker-py container as `pinned` uses it: the cpusets it was given."""

    def __init__(self, refuse: bool = False) -> None:
        self.cpusets: list[str] = []
        self.refuse = refuse

    def update(self, cpuset_cpus: str) -> None:
        if self.refuse:
            raise RuntimeError("the engine refused")
        self.cpusets.append(cpuset_cpus)


def cpuset_v1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int) -> Path:
    """A cgroup v1 cpuset hierarchy under TMP_PATH, on a machine of CORES cores."""
    monkeypatch.setattr(cpu_placement, "ROOT", tmp_path)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    root = tmp_path / "cpuset"
    root.mkdir()
    (root / "cpuset.mems").write_text("0\n")
    return root


def test_the_console_has_the_last_core_and_the_lab_the_others_then_all_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = cpuset_v1(tmp_path, monkeypatch, 4)
    group = root / cpu_placement.GROUP
    engine = root / cpu_placement.ENGINE_GROUP
    nodes = [Container(), Container()]
    with cpu_placement.pinned([1234], nodes, [77]) as how:
        assert how is not None and "core 3" in how and "2 nodes" in how
        assert "engine (1 processes) on cores 0-2" in how
        assert (group / "cpuset.cpus").read_text() == "3"
        assert (group / "cpuset.mems").read_text() == "0\n"
        assert (group / "cgroup.procs").read_text() == "1234"
        assert (engine / "cpuset.cpus").read_text() == "0-2"
        assert (engine / "cgroup.procs").read_text() == "77"
        assert [n.cpusets for n in nodes] == [["0-2"], ["0-2"]]
    assert [n.cpusets for n in nodes] == [["0-2", "0-3"], ["0-2", "0-3"]]
    # handed back (the fake root's file keeps the last pid written)
    assert (root / "cgroup.procs").read_text() == "77"


def test_an_engine_refusing_leaves_nothing_pinned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = cpuset_v1(tmp_path, monkeypatch, 2)
    nodes = [Container(), Container(refuse=True)]
    with cpu_placement.pinned([1234], nodes) as how:
        assert how is None
    assert nodes[0].cpusets == ["0", "0-1"]  # the one moved is given every core again
    assert (root / "cgroup.procs").read_text() == "1234"  # the console handed back


def test_the_hosts_engine_is_found_by_its_programs_outside_containers(tmp_path: Path) -> None:
    processes = (
        (10, "dockerd", "3:cpuset:/\n2:cpu:/\n"),
        (11, "containerd", "0::/system.slice/docker.service\n"),  # under systemd
        (12, "python3", "3:cpuset:/\n"),
        (13, "dockerd", "3:cpuset:/\n2:cpu:/docker/0123abcd\n"),  # a node's own engine
        (14, "dockerd", "0::/system.slice/docker-0123abcd.scope\n"),
    )
    for pid, program, groups in processes:
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "comm").write_text(program + "\n")
        (tmp_path / str(pid) / "cgroup").write_text(groups)
    (tmp_path / "15").mkdir()  # gone meanwhile: no comm
    (tmp_path / "self").mkdir()
    assert cpu_placement.engine_pids(tmp_path) == [10, 11]


@pytest.mark.parametrize("cores", [1, 2])
def test_without_cgroups_or_a_second_core_nothing_is_pinned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    monkeypatch.setattr(cpu_placement, "ROOT", tmp_path / "missing")
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    node = Container()
    with cpu_placement.pinned([1234], [node]) as how:
        assert how is None
    assert node.cpusets == []


def test_the_managers_cores_after_the_kill() -> None:
    usage: list[tuple[float, float, float, float | None]] = [
        (-0.5, 0.0, 1.0, 10.0),
        (0.0, 0.0, 1.0, 10.0),
        (0.5, 0.0, 1.0, 10.5),
    ]
    usage.append((1.0, 0.0, 1.0, 11.5))
    assert _manager_cores(usage) == "1.5 (2.0 at most)"
    assert _manager_cores([(0.0, 0.0, 1.0, None), (0.5, 0.0, 1.0, None)]) == "n/a"
