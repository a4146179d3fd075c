"""The scale figures, on the lab of 50 real nodes with the 5,000-service / 50,000-task
fixture: full refresh beside the CLI (target 2x faster), peak memory, the nodes pane and
header at 50 nodes, and ten nodes stopped at once shown Down within the engine's heartbeat
timeout plus one second while the console keeps answering keys."""

from __future__ import annotations

import itertools
import os
import re
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from benchmarks import figures
from benchmarks.cpu_placement import container_cpu_seconds, engine_pids, pinned
from benchmarks.curves import MEMORY_TARGET_MB, failed
from benchmarks.figures import Figure, Log, median_ms, percentile_95
from benchmarks.logs_figure import KEY_P95_TARGET_S
from benchmarks.pty_app import PtyApp
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.lab import Lab, LabNode, wait_ready

STOPPED = 10
# swarmkit marks a node down when it has missed its heartbeats for the period times this
# grace multiplier (its dispatcher's GracePeriodMultiplierNormal)
HEARTBEAT_GRACE = 3
# keys that move the focus between two panes: each pane's footer names a key only it has,
# so the footer's new text on the pty is the key's answer (nothing else writes it)
FOCUS_KEYS = ((b"2", "Scale"), (b"3", "History"))
SETTLED_CORES = 0.1


def full_refresh(manager_url: str, runs: int, tasks: int, nodes: int) -> Figure:
    measured = figures.full_refresh(manager_url, runs)
    ours, cli = measured.raw["swarmtui_s"], measured.raw["cli_s"]
    return Figure(
        f"S1. Full refresh at {nodes} nodes / {tasks:,} tasks",
        f"{median_ms(ours):,.0f} ms",
        f"{median_ms(cli):,.0f} ms (service ls + node ls + service ps)",
        "2x faster than the CLI",
        statistics.median(ours) * 2 <= statistics.median(cli),
        raw=measured.raw,
    )


def peak_memory(manager_url: str, tasks: int) -> Figure:
    """The console's peak memory once the biggest service's tasks are on screen (its rows
    `bench-0000.N`) and a few polls have passed: a console that never got them is not a
    figure of 50,000 tasks, and is reported as failed with what it used."""
    app = PtyApp(["--host", manager_url], cols=120, rows=40)
    try:
        shown = app.wait_for(re.compile(r"bench-0000\.\d+"), app.started, 120)
        if shown is not None:
            time.sleep(10)
        peak = app.peak_rss_mb()
    finally:
        app.close()
    name = f"S2. Peak memory at {tasks:,} tasks (tasks pane on the biggest service)"
    target = f"< {MEMORY_TARGET_MB:.0f} MB"
    raw = {"peak_rss_mb": peak, "tasks_shown_s": None if shown is None else shown - app.started}
    if shown is None:
        return Figure(
            name,
            "failed",
            "n/a",
            target,
            False,
            note=f"the tasks never showed in 120 s ({peak:.0f} MB meanwhile)",
            raw=raw,
        )
    return Figure(name, f"{peak:.0f} MB", "n/a", target, peak < MEMORY_TARGET_MB, raw=raw)


def _wait(app: PtyApp, text: str | re.Pattern[str], since: float, timeout: float) -> float:
    """Seconds from SINCE until TEXT shows (raising when it never does)."""
    return app.must_show(text, since, timeout) - since


def nodes_pane(lab: Lab) -> tuple[Figure, PtyApp]:
    """From start to the header counting every node Ready, then from `1` `G` (the nodes
    pane, its last row) to the last worker on screen. The console is kept for the next."""
    count = len(lab.nodes)
    last = max((n.name for n in lab.nodes if n.role == "worker"), key=lambda n: int(n[6:]))
    app = PtyApp(["--host", lab.manager_url], cols=120, rows=40)
    try:
        header_s = _wait(app, re.compile(rf"ready {count}\b"), app.started, 60)
        time.sleep(2)
        sent = time.monotonic()
        app.send(b"1G")
        last_s = _wait(app, re.compile(rf"{last}\b"), sent, 30)
    except BaseException:
        app.close()
        raise
    return (
        Figure(
            f"S3. Nodes pane and header at {count} nodes",
            f"header counts {count} ready at {header_s * 1000:,.0f} ms from start; "
            f"`1` `G` to {last} on screen {last_s * 1000:,.0f} ms",
            "n/a",
            "every node shown",
            True,
            raw={"nodes": count, "header_s": header_s, "last_row_s": last_s},
        ),
        app,
    )


def _heartbeat_timeout_s(manager_url: str) -> float:
    client = engine_client(manager_url, timeout=60)
    try:
        period = client.swarm.attrs["Spec"]["Dispatcher"]["HeartbeatPeriod"]
    finally:
        client.close()
    return float(period) / 1e9 * HEARTBEAT_GRACE


def _engine_sees_down(
    manager_url: str, names: set[str], since: float, first_down: dict[str, float]
) -> float:
    """Seconds from SINCE until the manager reports every node of NAMES down; FIRST_DOWN gets
    the seconds at which it first reported each."""
    client = engine_client(manager_url, timeout=60)
    try:
        while time.monotonic() - since < 120:
            down = {
                n["Description"]["Hostname"]
                for n in client.api.nodes()
                if n["Status"]["State"] == "down"
            }
            for name in down & names:
                first_down.setdefault(name, round(time.monotonic() - since, 2))
            if names <= down:
                return time.monotonic() - since
            time.sleep(0.1)
    finally:
        client.close()
    return float("inf")


def _key_answers(app: PtyApp, stop: threading.Event) -> list[tuple[float, float]]:
    """(sent, answer) per key pressed until STOP: monotonic send time, seconds to its answer."""
    answers = []
    index = 0
    while not stop.is_set():
        key, text = FOCUS_KEYS[index % len(FOCUS_KEYS)]
        index += 1
        sent = time.monotonic()
        app.send(key)
        seen = app.wait_for(text, sent, 5)
        answers.append((sent, seen - sent if seen is not None else float("inf")))
        time.sleep(0.2)
    return answers


def _machine_samples(
    app: PtyApp, manager_id: str, stop: threading.Event
) -> list[tuple[float, float, float, float | None]]:
    """(time, console CPU seconds, 1-minute load average, the manager container's CPU
    seconds) every half second until STOP: what the console and the machine were doing
    while keys waited."""
    samples = []
    while not stop.wait(0.5):
        manager = container_cpu_seconds(manager_id)
        samples.append((time.monotonic(), app.cpu_seconds(), os.getloadavg()[0], manager))
    return samples


@dataclass
class StopRound:
    """Ten workers stopped once, keys pressed all along: what was measured."""

    stopped: list[str]
    console_s: float  # kill to `down N` in the console's header
    engine_s: float  # kill to the manager listing them all down
    first_down: dict[str, float]
    timeline: list[tuple[float, float]]  # (seconds from the kill, key answer seconds)
    usage: list[tuple[float, float, float, float | None]]  # as _machine_samples, from the kill
    screen_said: dict[str, int]
    settled_s: float  # waited before the keys for the console to be idle

    @property
    def answers(self) -> list[float]:
        """The keys pressed from the kill on: while the nodes go down."""
        return sorted(answer for at, answer in self.timeline if at >= 0)

    @property
    def before(self) -> list[float]:
        return sorted(answer for at, answer in self.timeline if at < 0)


def _stop_round(lab: Lab, app: PtyApp, host: Any) -> StopRound:
    """Stop ten workers at once (their containers killed); time the console's header to
    `down 10` and the manager's own view, pressing keys all along; start them again."""
    victims = sorted((n for n in lab.nodes if n.role == "worker"), key=lambda n: n.name)
    victims = victims[-STOPPED:]  # fewer on a smaller lab (--nodes)
    stopped = len(victims)
    manager_id = lab.managers[0].container_id
    stop = threading.Event()
    answers: list[tuple[float, float]] = []
    machine: list[tuple[float, float, float, float | None]] = []
    keys = threading.Thread(target=lambda: answers.extend(_key_answers(app, stop)), daemon=True)
    sampler = threading.Thread(
        target=lambda: machine.extend(_machine_samples(app, manager_id, stop)), daemon=True
    )
    # The services pane first: the tasks pane then shows its selected service (45,001 tasks
    # after S3 showed a node's), and the keys start once the console has fetched them.
    app.send(FOCUS_KEYS[0][0])
    settled_s = _until_idle(app)
    _until_quiet(victims)
    sampler.start()
    app.send(FOCUS_KEYS[-1][0])  # the key before the first the loop presses: that one answers
    time.sleep(1)
    keys.start()
    time.sleep(3)  # answers before the stop too: the baseline
    sent = time.monotonic()
    with ThreadPoolExecutor(stopped) as pool:
        list(pool.map(lambda n: host.containers.get(n.container_id).kill(), victims))
    engine_s = [0.0]
    first_down: dict[str, float] = {}
    watcher = threading.Thread(
        target=lambda: engine_s.__setitem__(
            0, _engine_sees_down(lab.manager_url, {n.name for n in victims}, sent, first_down)
        ),
        daemon=True,
    )
    watcher.start()
    try:
        console_s = _wait(app, re.compile(rf"down {stopped}\b"), sent, 120)
        watcher.join(130)
        time.sleep(3)
    finally:
        stop.set()
        keys.join(10)
        sampler.join(10)
        with ThreadPoolExecutor(stopped) as pool:
            list(pool.map(lambda n: host.containers.get(n.container_id).start(), victims))
    # what else the screen said meanwhile (a poll that timed out shows its error in the header)
    screen = app.text_since(sent)
    return StopRound(
        stopped=[n.name for n in victims],
        console_s=console_s,
        engine_s=engine_s[0],
        first_down=first_down,
        timeline=[(round(at - sent, 3), answer) for at, answer in answers],
        usage=[(round(at - sent, 3), cpu, load, mgr) for at, cpu, load, mgr in machine],
        screen_said={text: screen.count(text) for text in ("Cannot reach", "stale", "timed out")},
        settled_s=settled_s,
    )


def _cpu_rate(read: Callable[[], float | None], seconds: float = 2.0) -> float:
    """Cores READ's CPU counter went up by, on average, over SECONDS (inf: unreadable)."""
    before = read()
    time.sleep(seconds)
    after = read()
    if before is None or after is None:
        return float("inf")
    return (after - before) / seconds


def _until_idle(app: PtyApp, timeout: float = 60) -> float:
    """Until the console is idle again (under a tenth of a core for 2 s): seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout and _cpu_rate(app.cpu_seconds) > SETTLED_CORES:
        pass
    return time.monotonic() - started


def _until_quiet(nodes: list[LabNode], timeout: float = 120) -> None:
    """Until NODES together use under a tenth of a core (restarted ones start their engines,
    join and set up their networks for a while after they are Ready)."""
    started = time.monotonic()

    def used() -> float | None:
        counters = [container_cpu_seconds(n.container_id) for n in nodes]
        return None if None in counters else sum(c for c in counters if c is not None)

    while time.monotonic() - started < timeout and _cpu_rate(used) > SETTLED_CORES:
        pass


def _manager_cores(usage: list[tuple[float, float, float, float | None]]) -> str:
    """The manager container's CPU use after the kill, in cores: 'median (highest)'."""
    rates = [
        (b[3] - a[3]) / (b[0] - a[0])
        for a, b in itertools.pairwise(usage)
        if a[0] >= 0 and a[3] is not None and b[3] is not None and b[0] > a[0]
    ]
    if not rates:
        return "n/a"
    return f"{statistics.median(rates):.1f} ({max(rates):.1f} at most)"


def _key_figure(name: str, round_: StopRound, note: str = "") -> Figure:
    answered, before = round_.answers, round_.before
    p95 = percentile_95(answered) if answered else float("inf")
    return Figure(
        name,
        f"{p95 * 1000:.0f} ms (median {statistics.median(answered) * 1000:.0f} ms, "
        f"{len(answered)} keys; before the stop: p95 "
        f"{(percentile_95(before) if before else float('nan')) * 1000:.0f} ms; "
        f"load average {_load_range(round_.usage)}, the manager using "
        f"{_manager_cores(round_.usage)} of the {os.cpu_count()} cores after the kill)",
        "n/a",
        f"< {KEY_P95_TARGET_S * 1000:.0f} ms",
        p95 < KEY_P95_TARGET_S,
        note=note,
        raw={
            "answers_s": answered,
            "timeline_s": round_.timeline,
            "console_cpu_load_manager_cpu": round_.usage,
        },
    )


def nodes_down(lab: Lab, app: PtyApp, host: Any) -> list[Figure]:
    """S4 and S5: ten workers stopped at once, the console as any process on this machine;
    then S5 again with the console on a core of its own and the lab on the others, as
    if on a host of its own (S5b)."""
    heartbeat_s = _heartbeat_timeout_s(lab.manager_url)
    shared = _stop_round(lab, app, host)
    limit = heartbeat_s + 1
    figures = [
        Figure(
            f"S4. {len(shared.stopped)} nodes stopped at once: header shows them Down",
            f"{shared.console_s:.1f} s",
            f"{shared.engine_s:.1f} s for the manager itself (polled every 100 ms)",
            f"< heartbeat timeout {heartbeat_s:.0f} s + 1 s",
            shared.console_s < limit,
            raw={
                "console_s": shared.console_s,
                "engine_s": shared.engine_s,
                "engine_first_down_s": shared.first_down,
                "heartbeat_timeout_s": heartbeat_s,
                "stopped": shared.stopped,
                "screen_said": shared.screen_said,
            },
        ),
        _key_figure("S5. Key answer (p95) while they go down", shared),
    ]
    wait_ready(lab.nodes, timeout=120)  # the stopped ones restarted
    # the benchmark's own process reads the pty: it stands for the terminal, on that host too
    containers = [host.containers.get(node.container_id) for node in lab.nodes]
    with pinned((app.process.pid, os.getpid()), containers, engine_pids()) as how:
        if how is None:
            return figures
        own_host = _stop_round(lab, app, host)
    figures.append(
        _key_figure(
            "S5b. The same, the console on a core of its own",
            own_host,
            note=f"{how}: the console as on a jump host of its own; the kernel still runs "
            "on any core",
        )
    )
    return figures


def _load_range(usage: list[tuple[float, float, float, float | None]]) -> str:
    loads = [load for _, _, load, _ in usage]
    return f"{min(loads):.1f}-{max(loads):.1f}" if loads else "n/a"


def measure(lab: Lab, tasks: int, runs: int, log: Log) -> list[Figure]:
    """Every scale figure; one that fails is recorded as failed and the next still measured."""
    nodes = len(lab.nodes)
    results: list[Figure] = []
    log(f"scale: full refresh at {nodes} nodes")
    try:
        results.append(full_refresh(lab.manager_url, runs, tasks, nodes))
    except Exception as exc:
        log(f"scale: full refresh failed: {exc}")
        cli = figures.cli_full_refresh(lab.manager_url, runs)  # the CLI's side all the same
        refresh = failed(
            f"S1. Full refresh at {nodes} nodes / {tasks:,} tasks",
            "2x faster than the CLI",
            exc,
            {"swarmtui_s": [], "cli_s": cli},
        )
        refresh.docker_cli = f"{median_ms(cli):,.0f} ms (service ls + node ls + service ps)"
        results.append(refresh)
    log("scale: peak memory")
    try:
        results.append(peak_memory(lab.manager_url, tasks))
    except Exception as exc:
        log(f"scale: peak memory failed: {exc}")
        results.append(
            failed(f"S2. Peak memory at {tasks:,} tasks", f"< {MEMORY_TARGET_MB:.0f} MB", exc, {})
        )
    log("scale: nodes pane and header")
    try:
        pane, app = nodes_pane(lab)
        results.append(pane)
    except Exception as exc:
        log(f"scale: nodes pane failed: {exc}")
        results.append(failed(f"S3. Nodes pane and header at {nodes} nodes", "every node", exc, {}))
        app = PtyApp(["--host", lab.manager_url], cols=120, rows=40)
        time.sleep(10)
    host = engine_client()
    try:
        log(f"scale: up to {STOPPED} workers stopped at once")
        results += nodes_down(lab, app, host)
    except Exception as exc:
        log(f"scale: nodes down failed: {exc}")
        results += [
            failed(f"S4. {STOPPED} nodes stopped at once", "heartbeat timeout + 1 s", exc, {}),
            failed(
                "S5. Key answer (p95) while they go down",
                f"< {KEY_P95_TARGET_S * 1000:.0f} ms",
                exc,
                {},
            ),
        ]
    finally:
        host.close()
        app.close()
    return results
