"""The two blocking loops a UI runs in worker threads: polling and the event pump."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.models import ClusterSnapshot, SwarmEvent
from swarmtui.ports import ClusterBackend, EventStream
from swarmtui.session.refresher import ENGINE, NODES, SERVICES, PartialRefresh, Refresher

ERROR_BACKOFF = 3.0
QUORUM_BACKOFF = 5.0
ELECTION_BACKOFF = 1.0  # a leader is expected any moment: look again soon
EVENT_RECONNECT_DELAY = 2.0
HISTORY_SINCE = "1"  # the engine replays what it still holds (its last 256 events)


def run_poll_loop(
    refresher: Refresher,
    stop: threading.Event,
    publish: Callable[[ClusterSnapshot], None],
    report: Callable[[BackendError | None], None],
    failover: Callable[[BackendError], BackendError | None] | None = None,
) -> None:
    """Refresh whatever is due until STOP is set. Errors are reported, never raised.

    A failed refresh first goes to FAILOVER, which switches to another manager (None: poll
    again at once) or returns the error to report (restated while a leader is elected); it
    is retried after a back-off, longer while quorum is lost, short during an election.
    """
    failing = False
    while not stop.is_set():
        try:
            snapshot = refresher.refresh()
        except Exception as exc:
            failure = exc
            if isinstance(exc, PartialRefresh):  # what did arrive is shown all the same
                if exc.snapshot is not None:
                    refresher.hand_over(exc.snapshot, publish)
                failure = exc.error
            error = failure if isinstance(failure, BackendError) else _unexpected(failure)
            if failover is not None:
                restated = failover(error)
                if restated is None:
                    failing = True  # the next good refresh clears what the switch showed
                    continue
                error = restated
            report(error)
            failing = True
            stop.wait(_backoff(error))
            continue
        if failing:
            report(None)
            failing = False
        if snapshot is not None:
            refresher.hand_over(snapshot, publish)
        refresher.wait(stop)


class EventPump:
    """Feeds swarm events to the refresher; reconnects (and resyncs) when the stream drops.

    With PUBLISH, what an event is about is fetched on the pump's own thread and published
    at once; without, the poll loop fetches it. RECORD keeps every event for the events
    view and says whether it is new: when it holds none yet, the history the engine still
    holds is read first (up to now, for the record only), then the stream follows from the
    last event recorded, so a reconnection also recovers what happened while it was down."""

    def __init__(
        self,
        refresher: Refresher,
        on_state: Callable[[bool], None],
        record: Callable[[SwarmEvent], bool] | None = None,
        last_recorded: Callable[[], int | None] = lambda: None,
        publish: Callable[[ClusterSnapshot], None] | None = None,
    ) -> None:
        self._refresher = refresher
        self._publish = publish
        self._on_state = on_state
        self._keeps_history = record is not None  # else: live events for the refresher only
        self._record = record or (lambda event: True)
        self._last_recorded = last_recorded
        self._stream: EventStream | None = None
        self._lock = threading.Lock()
        self._resubscribe_now = False
        self._subscribed = False  # once: later subscriptions follow a drop

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                stream = self._subscribe(self._refresher.backend, stop)
            except Exception:
                self._on_state(False)
                stop.wait(EVENT_RECONNECT_DELAY)
                continue
            with self._lock:
                self._stream = stream
            if stop.is_set():
                stream.close()
                return
            self._on_state(True)
            self._resync()
            try:
                for event in stream:
                    if self._record(event):
                        self._follow(event)
            except Exception:
                pass
            with self._lock:
                now, self._resubscribe_now = self._resubscribe_now, False
            if not stop.is_set():
                self._on_state(False)
                if not now:
                    stop.wait(EVENT_RECONNECT_DELAY)

    def _resync(self) -> None:
        """Events since the drop are lost: resync everything. The first time, the drop is
        the moment since the first lists (the stream opens after them): the nodes and
        services lists tell what moved meanwhile, and the shown tasks follow if their
        service's status moved, as at each poll; the shown tasks are not listed again for
        it (45,000 tasks keep a manager busy for seconds, while the console starts)."""
        if self._subscribed:
            self._refresher.request()
        else:
            self._refresher.request(ENGINE, NODES, SERVICES)
        self._subscribed = True

    def _follow(self, event: SwarmEvent) -> None:
        refresher, publish = self._refresher, self._publish
        if publish is None:
            refresher.note_event(event)
            return
        snapshot = refresher.follow_event(event)
        if snapshot is not None:
            refresher.hand_over(snapshot, publish)

    def _subscribe(self, backend: ClusterBackend, stop: threading.Event) -> EventStream:
        if self._keeps_history and self._last_recorded() is None:
            history = backend.subscribe_events(since=HISTORY_SINCE, until=f"{time.time():.9f}")
            with self._lock:
                self._stream = history
            for event in history:  # ends by itself once `until` is past
                if stop.is_set():
                    break
                self._record(event)
            history.close()
        last = self._last_recorded()
        return backend.subscribe_events(since=None if last is None else engine_time(last))

    def reconnect(self) -> None:
        """Drop the current stream: run() subscribes again, at once, on the refresher's
        (possibly new) backend."""
        with self._lock:
            stream, self._stream = self._stream, None
            self._resubscribe_now = True
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.close()

    def close(self) -> None:
        self.reconnect()


def _backoff(error: BackendError) -> float:
    if error.kind is ProblemKind.QUORUM_LOST:
        return QUORUM_BACKOFF
    if error.kind is ProblemKind.ELECTING:
        return ELECTION_BACKOFF
    return ERROR_BACKOFF


def _unexpected(exc: Exception) -> BackendError:
    return BackendError(ProblemKind.ENGINE_ERROR, f"{type(exc).__name__}: {exc}")


def engine_time(time_nano: int) -> str:
    """An event's time as the events API's `since` takes it: seconds.nanoseconds."""
    seconds, nanos = divmod(time_nano, 1_000_000_000)
    return f"{seconds}.{nanos:09d}"
