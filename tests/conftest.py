"""Session fixtures: the local engine and a lab swarm of Docker-in-Docker nodes.

Set SWARMTUI_TEST_LAB=<name> to run against that lab (brought up if needed) and keep it
afterwards; without it every run gets a fresh lab that is removed at the end.
"""

from __future__ import annotations

import gc
import itertools
import os
import re
import secrets
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.key_burst import press_burst
from helpers.pilot import record_notifications
from helpers.swarm import IMAGE_V2, client_of, lab_of_run, remove_services
from textual.pilot import Pilot

from swarmtui.adapters.docker.engine_setup import engine_client, ensure_engine
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab, lab_up

RUN_ID = secrets.token_hex(3)
_counter = itertools.count(1)


def lab_log(message: str) -> None:
    print(f"[lab] {message}", file=sys.stderr, flush=True)


TESTS_DIR = Path(__file__).resolve().parent
# Tiers by folder; the fast ones (scripts/test --fast) need no Docker.
FAST_TIERS = ("unit", "pilot", "snapshots")
DOCKER_TIERS = ("lab", "terminal")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test is marked with its folder's tier; a fast-tier test that asks for the engine
    is a mistake in where it lives, and stops the run."""
    misplaced: list[str] = []
    for item in items:
        tier = item.path.resolve().relative_to(TESTS_DIR).parts[0]
        if tier not in FAST_TIERS + DOCKER_TIERS:
            misplaced.append(f"{item.nodeid}: not in a tier folder")
            continue
        item.add_marker(tier)
        if tier in FAST_TIERS and "engine" in getattr(item, "fixturenames", ()):
            misplaced.append(f"{item.nodeid}: needs the engine but is in tests/{tier}/")
    if misplaced:
        raise pytest.UsageError("\n".join(misplaced))
    items.sort(key=_longest_files_first)


# The lab and terminal tiers run on two xdist workers, a file at a time (scripts/test): the
# files that take minutes start first, so neither worker is left with one at the end.
LONGEST_FILES = (
    "test_monkey.py",
    "test_faults.py",
    "test_benchmarks_smoke.py",
    "test_why_swarm.py",
    "test_operations_swarm_more.py",
    "test_objects_swarm.py",
    "test_lab_machines.py",
    "test_logs_swarm.py",
    "test_operations_swarm.py",
    "test_machines_install.py",
)


def _longest_files_first(item: pytest.Item) -> int:
    name = item.path.name
    return LONGEST_FILES.index(name) if name in LONGEST_FILES else len(LONGEST_FILES)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Less garbage collection: a Textual app allocates a lot, and each full collection went
    through every object the imports had made (a quarter of a snapshot test's CPU time).
    Those are moved out of the collector's sight, and it runs less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


# Allocations (less deallocations) between two collections of the youngest generation;
# Python's default is 700.
GC_YOUNG_THRESHOLD = 20_000


def pytest_configure(config: pytest.Config) -> None:
    # A CI timeout sends SIGTERM: turn it into KeyboardInterrupt so fixture teardown
    # (lab removal) still runs.
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(autouse=True)
def notification_history(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read what an app notified from its history (pilot_helpers.notifications), not
    from the toasts still on screen, which expire while a loaded machine is slow."""
    record_notifications(monkeypatch)


# Pilot gives the app 30 s to process what a key press caused; a machine loaded far beyond
# its cores (seen at a load average of 30 on 2 cores) needs longer.
PILOT_SCREEN_TIMEOUT = 120.0
_pilot_wait_for_screen = Pilot._wait_for_screen


async def _patient_wait_for_screen(
    pilot: Pilot[Any], timeout: float = PILOT_SCREEN_TIMEOUT
) -> bool:
    return await _pilot_wait_for_screen(pilot, max(timeout, PILOT_SCREEN_TIMEOUT))


@pytest.fixture(autouse=True)
def patient_pilot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Pilot, "_wait_for_screen", _patient_wait_for_screen)


# The tiers on the demo press keys the way a terminal over SSH sends them, all at once; the
# lab tiers keep Pilot's key-by-key pace, their tests wait on the engine rather than the CPU.
BURST_TIERS = ("pilot", "snapshots")


@pytest.fixture(autouse=True)
def keys_in_bursts(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if any(request.node.get_closest_marker(tier) for tier in BURST_TIERS):
        monkeypatch.setattr(Pilot, "press", press_burst)


@pytest.fixture(scope="session")
def engine() -> Iterator[Any]:
    """docker-py client of the local engine, installed and started if need be."""
    ensure_engine(lab_log)
    client = engine_client()
    swarm_before = _swarm_state(client)
    yield client
    swarm_after = _swarm_state(client)
    client.close()
    assert swarm_after == swarm_before, (
        f"the host engine's swarm state changed during the run: {swarm_before} -> {swarm_after}"
    )


def _swarm_state(client: Any) -> str:
    return str(client.info()["Swarm"]["LocalNodeState"])


@pytest.fixture(scope="session")
def lab_swarm(engine: Any) -> Iterator[Lab]:
    """A lab swarm of 1 manager and 2 workers with sshd running on every node."""
    reuse = os.environ.get("SWARMTUI_TEST_LAB")
    if reuse:
        yield lab_up(reuse, 1, 2, log=lab_log, sshd=True)
        return
    with lab_of_run(f"swarmtui-t{RUN_ID}", 1, 2, lab_log, sshd=True) as lab:
        yield lab


@pytest.fixture(scope="session")
def manager_client(lab_swarm: Lab) -> Iterator[Any]:
    with client_of(lab_swarm.manager_url) as client:
        yield client


@pytest.fixture(scope="session")
def run_id() -> str:
    """Random per-run id; everything a run creates has it in its name."""
    return RUN_ID


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> str:
    """A per-test unique prefix for services and other swarm objects."""
    test = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")
    return f"t{RUN_ID}-{next(_counter)}-{test}"[:50].rstrip("-")


@pytest.fixture
def prefix(manager_client: Any, unique_name: str) -> Iterator[str]:
    """Name prefix of this test's services; every service carrying it is removed afterwards."""
    try:
        yield unique_name
    finally:
        remove_services(manager_client, unique_name)


@pytest.fixture(scope="module")
def image_v2(lab_swarm: Lab) -> str:
    """A second tag of the workload image on every lab node (nodes cannot pull)."""
    for node in lab_swarm.nodes:
        if not node.api_url:
            continue
        client = engine_client(node.api_url)
        try:
            repository, tag = IMAGE_V2.rsplit(":", 1)
            client.images.get(WORKLOAD_IMAGE).tag(repository, tag)
        finally:
            client.close()
    return IMAGE_V2


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME and XDG_DATA_HOME (the machine store, swarmtui's known_hosts) in tmp, no SSH
    agent: nothing touches the real user's files. CLI subprocesses inherit them."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    (tmp_path / "home").mkdir(exist_ok=True)
    return tmp_path / "home"


@pytest.fixture
def data_home(home: Path) -> Path:
    """The XDG_DATA_HOME of `home`."""
    return home.parent / "data"
