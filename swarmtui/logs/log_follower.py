"""Follow a service's or task's logs in the caller's (worker) thread; the UI pulls batches.

No threads of its own: `run()` blocks in a worker thread reading the stream; the UI calls
`drain()` on a timer (every 50 ms) to take the lines that are ready, in timestamp order;
`close()` from any thread ends `run()` at once by closing the stream's socket or channel.
The reader does the per-line work (decoding, de-dup, ordering); a pull swaps a list.

Watchdog: while following, a stream that ends, fails or stays silent for IDLE_TIMEOUT, or
whose service gained tasks it may not carry (update, rescheduling: moby#33183, #36626), is
reopened from the last timestamp seen; repeated lines are dropped.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from swarmtui.core.errors import BackendError
from swarmtui.core.models import Node, ScopeKind, Task, TaskScope
from swarmtui.logs.deduplicator import Deduplicator
from swarmtui.logs.log_batch import LogBatch
from swarmtui.logs.log_driver import driver_explanation
from swarmtui.logs.log_line import LogLine
from swarmtui.logs.log_parser import notice
from swarmtui.logs.log_target import LogTarget
from swarmtui.logs.log_window import LogWindow
from swarmtui.logs.reorder_merger import DEFAULT_WINDOW, ReorderMerger
from swarmtui.logs.ring_buffer import DEFAULT_CAPACITY
from swarmtui.logs.task_labels import TaskLabels
from swarmtui.ports import ClusterBackend, LogSource

IDLE_TIMEOUT = 15.0  # a following stream silent this long is reopened
HEALTH_INTERVAL = 5.0  # while lines flow: how often to look for new tasks
LABEL_REFRESH_INTERVAL = 2.0
READ_TIMEOUT = 60.0  # a stream that is not following
RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0)
TASK_STREAMS = frozenset({"stdout", "stderr"})
FULL_BLOCK = 256  # lines: a block this big means the reader is behind, read on at once
GATHER_PAUSE = 0.01  # seconds after a smaller block (the merger holds lines 0.25 s anyway)
_stream = attrgetter("stream")
_task_id = attrgetter("task_id")
TERMINAL_STATES = frozenset(
    {"complete", "failed", "shutdown", "rejected", "orphaned", "remove", "dead"}
)


class LogFollower:
    def __init__(
        self,
        backend: ClusterBackend,
        target: LogTarget,
        window: LogWindow,
        *,
        capacity: int = DEFAULT_CAPACITY,
        follow: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
        wallclock_ns: Callable[[], int] = time.time_ns,
        reorder_window: float = DEFAULT_WINDOW,
        idle_timeout: float = IDLE_TIMEOUT,
        health_interval: float = HEALTH_INTERVAL,
        backend_source: Callable[[], ClusterBackend] | None = None,
    ) -> None:
        self._backend = backend
        # After a manager failover the app talks to another manager: BACKEND_SOURCE gives
        # the current one, so a reopen goes there and not to the dead one.
        self._backend_source = backend_source
        self._stream_backend: ClusterBackend | None = None
        self._switched = False
        self.target = target
        self.window = window
        self.capacity = capacity
        self.follow = follow
        self._monotonic = monotonic
        self._wallclock_ns = wallclock_ns
        self._idle_timeout = idle_timeout
        self._health_interval = health_interval
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._merger = ReorderMerger(reorder_window)
        # Lines the reader already took out of the merger: the UI's pull only swaps lists.
        self._ready: list[LogLine] = []
        self._dedup = Deduplicator()
        self._stream: LogSource | None = None
        self._labels = TaskLabels(target.service_name)
        self._labels_changed = True
        self._nodes: list[Node] = []
        self._running: frozenset[str] = frozenset()
        self._task_finished = False
        self._last_label_refresh = -1e9
        self._state = "connecting"
        self._done = False
        self.reopened = 0
        self.lines_read = 0

    @property
    def backend(self) -> ClusterBackend:
        if self._backend_source is not None:
            with contextlib.suppress(BackendError):
                self._backend = self._backend_source()
        return self._backend

    # The UI's side -----------------------------------------------------------------------

    def follow_backend(self) -> None:
        """From the UI's timer: when the app switched managers, drop the stream opened on
        the old one; the reader reopens it at once on the new one."""
        opened_on = self._stream_backend
        if opened_on is None or self._backend_source is None or self._switched:
            return
        if self.backend is not opened_on:
            with self._lock:
                stream = self._stream
                self._switched = stream is not None
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()

    def drain(self) -> LogBatch:
        """The lines ready to show (timestamp order), new task labels, the stream's state."""
        now = self._monotonic()
        with self._lock:
            lines, self._ready = self._ready, []
            lines += self._merger.flush() if self._done else self._merger.pop_ready(now)
            labels = self._labels if self._labels_changed else None
            self._labels_changed = False
            return LogBatch(tuple(lines), labels, self._state, self.reopened)

    def close(self) -> None:
        """Stop following (from any thread): the blocked reader returns at once."""
        self._stop.set()
        with self._lock:
            stream = self._stream
            self._state = "closed"
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.close()

    @property
    def stream(self) -> LogSource | None:
        """The stream being read now, if any."""
        return self._stream

    @property
    def closed(self) -> bool:
        return self._stop.is_set()

    @property
    def done(self) -> bool:
        return self._done

    # The worker thread's side ------------------------------------------------------------

    def run(self) -> None:
        """Read until closed, or until a stream that does not follow has ended."""
        try:
            self._run()
        except Exception as exc:  # a bug or an unforeseen library error: say it, end
            self._notice(f"The log reader stopped: {type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                self._done = True
                if self._state not in ("closed", "no logs"):
                    self._state = "complete"

    def _run(self) -> None:
        if not self._driver_gives_logs():
            return
        self._refresh_tasks()
        failures = 0
        while not self._stop.is_set():
            follow = self.follow and not self._task_finished
            try:
                stream = self._open(follow)
            except BackendError as exc:
                if self._stop.is_set() or self._target_gone():
                    return
                if failures == 0:
                    self._notice(f"Cannot open the log stream: {exc.message}")
                if not follow:
                    return
                self._set_state("reconnecting")
                self._stop.wait(RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)])
                failures += 1
                continue
            if not self._register(stream):
                return
            self._set_state("following" if follow else "reading")
            lines_before = self.lines_read
            error: BackendError | None = None
            wanted_reopen = False
            try:
                wanted_reopen = self._pump(stream, follow)
            except BackendError as exc:
                error = exc
            finally:
                with self._lock:
                    self._stream = None
                stream.close()
            if self._stop.is_set() or not follow:
                return
            with self._lock:
                self.reopened += 1
                switched, self._switched = self._switched, False
            if switched:
                continue  # the app moved to another manager: reopen there at once
            if self.lines_read > lines_before:
                failures = 0
            if error is None and wanted_reopen:
                continue  # the watchdog saw new tasks (and refreshed them): reopen at once
            self._refresh_tasks()
            if self._task_finished or (error is None and stream.idle):
                continue  # silent for a while: reopen at once; a finished task: read the rest
            failures += 1
            if failures == 1:
                reason = f"lost ({error.message})" if error else "ended by the engine"
                self._notice(f"Log stream {reason}; reopening")
            self._set_state("reconnecting")
            self._stop.wait(RETRY_DELAYS[min(failures - 1, len(RETRY_DELAYS) - 1)])

    def _register(self, stream: LogSource) -> bool:
        with self._lock:
            if self._stop.is_set():
                stream.close()
                return False
            self._stream = stream
            return True

    def _open(self, follow: bool) -> LogSource:
        since = self._dedup.resume_since()
        if since is None:  # nothing seen yet: the window asked for
            tail = self.window.tail if self.window.tail is not None else self.capacity
            since = self.window.since_ns(self._wallclock_ns())
        else:  # reopening: everything since the last line (the buffer holds no more)
            tail = self.capacity
        backend = self.backend
        self._stream_backend = backend
        return backend.open_logs(
            self.target.kind,
            self.target.object_id,
            tail=tail,
            since_ns=since,
            follow=follow,
            idle_timeout=self._idle_timeout if follow else READ_TIMEOUT,
        )

    def _pump(self, stream: LogSource, follow: bool) -> bool:
        """Read STREAM into the merger; True when the watchdog wants it reopened."""
        monotonic, merger, lock = self._monotonic, self._merger, self._lock
        next_check = monotonic() + self._health_interval
        for batch in stream.batches():
            # Whole-batch operations (map, set): no Python step per line in a flood.
            if set(map(_stream, batch)) <= TASK_STREAMS:
                lines = self._dedup.fresh(batch)
            else:  # engine errors: not repeats, maybe without a time
                lines = self._dedup.fresh([x for x in batch if x.stream in TASK_STREAMS])
                wallclock = self._wallclock_ns()
                notices = [x if x.timestamp else x._replace(timestamp=wallclock) for x in batch]
                lines += [x for x in notices if x.stream not in TASK_STREAMS]
            if any(not self._labels.knows(t) for t in set(map(_task_id, lines)) - {""}):
                self._refresh_labels_soon()
            now = monotonic()
            with lock:
                merger.push_many(lines, now)
                self._ready += merger.pop_ready(now)
            self.lines_read += len(lines)
            if len(batch) < FULL_BLOCK:
                # A flood read as it trickles in is a few lines a block, hundreds of blocks
                # a second, each taking the GIL from the UI thread: let the socket gather.
                self._stop.wait(GATHER_PAUSE)
            else:
                time.sleep(0)  # hand the GIL to the UI thread between blocks, not every 5 ms
            if follow and now >= next_check:
                next_check = now + self._health_interval
                if self._tasks_changed():
                    return True
            if self._stop.is_set():
                break
        return False

    # Tasks, labels, log driver -----------------------------------------------------------

    def _service_tasks(self) -> list[Task]:
        scope = TaskScope(ScopeKind.SERVICE, self.target.service_id, self.target.service_name, True)
        return self.backend.tasks(scope)

    def _refresh_tasks(self) -> None:
        """Names for the tasks' lines, the running set the watchdog compares against."""
        self._last_label_refresh = self._monotonic()
        try:
            tasks = self._service_tasks()
            known_nodes = {n.id for n in self._nodes}
            if not self._nodes or any(t.node_id not in known_nodes for t in tasks if t.node_id):
                self._nodes = self.backend.nodes()
        except BackendError:
            return
        self._running = frozenset(t.id for t in tasks if t.state == "running")
        if self.target.kind == "task":
            mine = next((t for t in tasks if t.id == self.target.object_id), None)
            self._task_finished = mine is not None and mine.state in TERMINAL_STATES
        labels = TaskLabels(self.target.service_name, tasks, self._nodes)
        if labels.signature == self._labels.signature:
            return
        with self._lock:
            self._labels = labels
            self._labels_changed = True

    def _refresh_labels_soon(self) -> None:
        if self._monotonic() - self._last_label_refresh >= LABEL_REFRESH_INTERVAL:
            self._refresh_tasks()

    def _tasks_changed(self) -> bool:
        """New running tasks (or our task ended) since the stream was opened."""
        before, finished = self._running, self._task_finished
        self._refresh_tasks()
        if self.target.kind == "task":
            return self._task_finished and not finished
        return bool(self._running - before)

    def _target_gone(self) -> bool:
        try:
            self.backend.inspect(self.target.kind, self.target.object_id)
        except BackendError as exc:
            if "not found" in exc.message.lower() or "no such" in exc.message.lower():
                self._notice(f"The {self.target.kind} no longer exists: no more lines.")
                return True
        return False

    def _driver_gives_logs(self) -> bool:
        try:
            data: dict[str, Any] = self.backend.inspect(self.target.kind, self.target.object_id)
            spec = data.get("Spec") or {}
            template = spec if self.target.kind == "task" else spec.get("TaskTemplate") or {}
            driver = str((template.get("LogDriver") or {}).get("Name") or "")
            from_service = bool(driver)
            if not driver:
                driver = self.backend.engine_info().logging_driver
            if self.target.kind == "task":
                state = str((data.get("Status") or {}).get("State") or "")
                self._task_finished = state in TERMINAL_STATES
        except BackendError as exc:
            if self._target_gone():
                self._set_state("complete")
                return False
            self._notice(f"Could not check the log driver: {exc.message}")
            return True
        explanation = driver_explanation(driver, from_service)
        if explanation:
            self._notice(explanation)
        if driver == "none":
            self._set_state("no logs")
            return False
        return True

    def _notice(self, text: str) -> None:
        line = notice(text, self._wallclock_ns())
        with self._lock:
            self._merger.push(line, self._monotonic())

    def _set_state(self, state: str) -> None:
        with self._lock:
            if self._state != "closed":
                self._state = state

    @property
    def state(self) -> str:
        return self._state
