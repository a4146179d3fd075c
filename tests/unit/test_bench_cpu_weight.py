"""The scale run's cgroup helpers: a container's CPU counter read from v1 or v2, and the
console's own weighted group made, filled and removed again."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import cpu_weight
from benchmarks.scale_figures import _manager_cores


def test_a_containers_cpu_is_read_from_either_hierarchy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cpu_weight, "ROOT", tmp_path)
    assert cpu_weight.container_cpu_seconds("abc") is None
    v2 = tmp_path / "system.slice" / "docker-abc.scope"
    v2.mkdir(parents=True)
    (v2 / "cpu.stat").write_text("usage_usec 2500000\nuser_usec 2000000\n")
    assert cpu_weight.container_cpu_seconds("abc") == 2.5
    v1 = tmp_path / "cpuacct" / "docker" / "abc"
    v1.mkdir(parents=True)
    (v1 / "cpuacct.usage").write_text("1500000000\n")
    assert cpu_weight.container_cpu_seconds("abc") == 1.5


def test_the_console_is_weighted_inside_and_the_group_removed_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cpu_weight, "ROOT", tmp_path)
    (tmp_path / "cpu").mkdir()
    group = tmp_path / "cpu" / cpu_weight.GROUP
    with cpu_weight.weighted([1234], 8) as how:
        assert how == f"{cpu_weight.GROUP} (cpu.shares 8192)"
        assert (group / "cgroup.procs").read_text() == "1234"
    assert (tmp_path / "cpu" / "cgroup.procs").read_text() == "1234"  # handed back


def test_without_cgroups_nothing_is_weighted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cpu_weight, "ROOT", tmp_path / "missing")
    with cpu_weight.weighted([1234], 8) as how:
        assert how is None


def test_the_managers_cores_after_the_kill() -> None:
    usage: list[tuple[float, float, float, float | None]] = [
        (-0.5, 0.0, 1.0, 10.0),
        (0.0, 0.0, 1.0, 10.0),
        (0.5, 0.0, 1.0, 10.5),
    ]
    usage.append((1.0, 0.0, 1.0, 11.5))
    assert _manager_cores(usage) == "1.5 (2.0 at most)"
    assert _manager_cores([(0.0, 0.0, 1.0, None), (0.5, 0.0, 1.0, None)]) == "n/a"
