"""CPU and memory as `docker stats` computes them, from engine stats and from its output."""

from __future__ import annotations

import json
from typing import Any

import pytest

from swarmtui.core.usage import (
    ContainerUsage,
    CpuReading,
    by_requested_id,
    cpu_percent,
    memory_used,
    parse_size,
    usage_from_cli_line,
    usage_from_cli_output,
    usage_from_stats,
)

CID = "ab" * 32


def stats(
    total: int, system: int, online: int = 2, usage: int = 10_000_000, **memory: int
) -> dict[str, Any]:
    """What engine 20.10 answers to a one-shot stats request (precpu_stats empty)."""
    return {
        "cpu_stats": {
            "cpu_usage": {"total_usage": total, "percpu_usage": [0, total]},
            "system_cpu_usage": system,
            "online_cpus": online,
        },
        "precpu_stats": {"cpu_usage": {"total_usage": 0}},
        "memory_stats": {"usage": usage, "stats": memory, "limit": 2**31},
    }


def test_cpu_percent_is_the_cli_formula_over_two_readings() -> None:
    first = CpuReading(container_ns=1_000_000_000, system_ns=100_000_000_000, online_cpus=2)
    # 0.5 s of the container's CPU over 2 s of both CPUs' time (4 s of system time): 12.5 %
    # of the host, shown as a share of one CPU x 2 CPUs = 25 %.
    second = CpuReading(1_500_000_000, 104_000_000_000, 2)
    assert cpu_percent(first, second) == pytest.approx(25.0)


def test_a_container_busy_on_two_cpus_shows_200_percent() -> None:
    assert cpu_percent(CpuReading(0, 0, 2), CpuReading(4_000, 4_000, 2)) == pytest.approx(200.0)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (CpuReading(5_000, 1_000, 2), CpuReading(1_000, 2_000, 2)),  # restarted: counter back
        (CpuReading(1_000, 2_000, 2), CpuReading(2_000, 2_000, 2)),  # no system time elapsed
    ],
)
def test_readings_that_cannot_be_compared_give_no_percentage(
    first: CpuReading, second: CpuReading
) -> None:
    assert cpu_percent(first, second) is None


def test_an_idle_container_is_zero_percent() -> None:
    assert cpu_percent(CpuReading(7, 10, 2), CpuReading(7, 2_000, 2)) == 0.0


def test_memory_used_leaves_out_the_inactive_file_cache_cgroup_v1() -> None:
    memory = {"usage": 100, "stats": {"total_inactive_file": 30, "cache": 50}}
    assert memory_used(memory) == 70


def test_memory_used_cgroup_v2() -> None:
    assert memory_used({"usage": 100, "stats": {"inactive_file": 40}}) == 60


def test_memory_used_when_the_cache_is_not_below_the_usage() -> None:
    assert memory_used({"usage": 100, "stats": {"total_inactive_file": 100}}) == 100
    assert memory_used({"usage": 100, "stats": {}}) == 100
    assert memory_used({}) == 0


def test_usage_from_one_shot_stats() -> None:
    usage = usage_from_stats(CID, stats(33_263_070, 65_529_220_000_000, total_inactive_file=4096))
    assert usage == ContainerUsage(
        CID, 10_000_000 - 4096, 2**31, reading=CpuReading(33_263_070, 65_529_220_000_000, 2)
    )


def test_online_cpus_fall_back_to_the_per_cpu_counters() -> None:
    data = stats(1, 2, online=0)
    usage = usage_from_stats(CID, data)
    assert usage is not None and usage.reading is not None
    assert usage.reading.online_cpus == 2


def test_a_stopped_container_has_no_usage() -> None:
    assert usage_from_stats(CID, {"read": "0001-01-01T00:00:00Z"}) is None


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("0B", 0),
        ("512KiB", 512 * 1024),
        ("1.5MiB", int(1.5 * 2**20)),
        ("7.772GiB", int(7.772 * 2**30)),
        ("12.3MB", 12_300_000),
        ("--", None),
        ("3 parsecs", None),
    ],
)
def test_sizes_as_docker_stats_prints_them(text: str, size: int | None) -> None:
    assert parse_size(text) == size


def cli_line(container_id: str, cpu: str, memory: str) -> str:
    return json.dumps(
        {
            "BlockIO": "0B / 0B",
            "CPUPerc": cpu,
            "Container": container_id,
            "ID": container_id,
            "MemPerc": "0.02%",
            "MemUsage": memory,
            "Name": "web.1.xyz",
            "NetIO": "1kB / 0B",
            "PIDs": "1",
        }
    )


def test_a_docker_stats_line() -> None:
    usage = usage_from_cli_line(cli_line(CID, "12.50%", "1.5MiB / 2GiB"))
    assert usage == ContainerUsage(CID, int(1.5 * 2**20), 2 * 2**30, cpu_percent=12.5)


def test_docker_stats_output_skips_what_is_not_a_figure() -> None:
    output = "\n".join(
        [
            cli_line(CID, "1.00%", "1MiB / 1GiB"),
            "WARNING: something",
            cli_line("cd" * 32, "--", "-- / --"),  # a container that just stopped
        ]
    )
    assert list(usage_from_cli_output(output)) == [CID]


def test_figures_are_keyed_by_the_ids_asked_for() -> None:
    found = {CID: ContainerUsage(CID, 1, 2, cpu_percent=0.0)}
    assert list(by_requested_id(found, (CID[:12], "ef" * 32))) == [CID[:12]]
