"""Swarm events for the events view: what changed, the rows, the typed filter, the ring,
and the pump reading the engine's history before following."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from swarmtui.core.models import SwarmEvent
from swarmtui.demo.cluster import DemoBackend
from swarmtui.display.events import changed_attributes, event_row, matches
from swarmtui.session.event_ring import EventRing
from swarmtui.session.loops import EventPump, engine_time
from swarmtui.session.refresher import Refresher

NOON = 1_767_268_800 * 1_000_000_000  # 2026-01-01 12:00:00 UTC


def event(
    kind: str = "service",
    action: str = "update",
    at: int = NOON,
    actor: str = "s1",
    dotted: dict[str, str] | None = None,
    **attrs: str,
) -> SwarmEvent:
    every = attrs | (dotted or {})
    return SwarmEvent(kind, action, actor, tuple(sorted(every.items())), at)


def changes(**attrs: str) -> dict[str, str]:
    """Attribute names with dots, which keyword arguments cannot spell."""
    return {key.replace("_", "."): value for key, value in attrs.items()}


def test_changed_attributes_pair_old_and_new() -> None:
    scaled = event(
        name="web", dotted=changes(replicas_old="1", replicas_new="3", image_new="httpd:2")
    )
    assert changed_attributes(scaled) == "image ∅→httpd:2, replicas 1→3"
    assert changed_attributes(event(name="web")) == ""
    assert changed_attributes(event(name="n", dotted=changes(availability_old="active"))) == (
        "availability active→∅"
    )
    assert changed_attributes(event(name="x", driver="overlay")) == "driver=overlay"


def test_event_row_shows_time_object_action_changes() -> None:
    row = event_row(event(at=NOON + 61 * 10**9, name="web", dotted=changes(replicas_old="2")))
    assert (row.time, row.object, row.action) == ("12:01:01", "service web", "update")
    assert row.changes == "replicas 2→∅"
    nameless = event_row(event(kind="node", actor="abcdefabcdefabcdef"))
    assert nameless.object == "node abcdefabcdef"


def test_filter_by_type_text_and_object() -> None:
    web = event_row(event(name="web", dotted=changes(replicas_new="3")))
    node = event_row(event(kind="node", actor="n1", name="worker1"))
    assert matches(web, "") and matches(node, "")
    assert matches(web, "type:service") and not matches(node, "type:service")
    assert matches(node, "type:NODE worker")
    assert matches(web, "replicas") and not matches(node, "replicas")
    assert matches(web, "w.b")  # a regex
    assert matches(web, "a(b") is False  # not a regex: plain text, not found
    assert matches(web, "", actor_id="s1") and not matches(node, "", actor_id="s1")


def test_ring_keeps_each_event_once_and_the_newest() -> None:
    ring = EventRing(size=3)
    assert ring.last_time_nano is None
    for second in range(5):
        assert ring.add(event(at=NOON + second))
    assert not ring.add(event(at=NOON + 4))  # replayed after a resubscription
    assert [e.time_nano - NOON for e in ring.events()] == [2, 3, 4]
    assert ring.last_time_nano == NOON + 4
    assert ring.add(event(at=NOON + 1))  # fell out of the ring: new again
    before = ring.added
    ring.clear()
    assert ring.events() == [] and ring.added > before


def test_engine_time_keeps_nanoseconds() -> None:
    assert engine_time(NOON + 5) == "1767268800.000000005"


class _Recorder(DemoBackend):
    """The demo's history, then one live event; records what was asked."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str | None, str | None]] = []
        self.live = threading.Event()

    def subscribe_events(self, since: str | None = None, until: str | None = None):  # type: ignore[no-untyped-def]
        self.asked.append((since, until))
        if until is not None:
            return super().subscribe_events(since, until)
        return _OneEvent(self.live)


class _OneEvent:
    def __init__(self, done: threading.Event) -> None:
        self._done = done

    def __iter__(self) -> Iterator[SwarmEvent]:
        yield event(at=NOON + 10**9, name="live")
        self._done.set()

    def close(self) -> None:
        return None


def test_pump_reads_history_then_follows_from_the_last_event() -> None:
    backend = _Recorder()
    refresher = Refresher(backend)
    ring = EventRing()
    noted: list[SwarmEvent] = []
    refresher.note_event = noted.append  # type: ignore[method-assign,assignment]
    pump = EventPump(refresher, lambda _: None, ring.add, lambda: ring.last_time_nano)
    stop = threading.Event()
    thread = threading.Thread(target=pump.run, args=(stop,))
    thread.start()
    assert backend.live.wait(30)
    stop.set()
    pump.close()
    thread.join(30)
    history, follow = backend.asked[0], backend.asked[1]
    assert history[0] == "1" and history[1] is not None
    names = [e.attribute("name") for e in ring.events()]
    assert len(names) == 11 and names[-1] == "live" and "web" in names
    assert follow[0] is not None and follow[0].startswith(str(NOON // 10**9 - 60))
    assert follow[1] is None
    assert [e.attribute("name") for e in noted] == ["live"]  # history is not news


def test_pump_resyncs_lists_on_its_first_stream_and_everything_after_a_drop() -> None:
    backend = _Recorder()
    refresher = Refresher(backend)
    ring = EventRing()
    refresher.note_event = lambda _: None  # type: ignore[method-assign,assignment]
    requested: list[tuple[str, ...]] = []
    twice = threading.Event()

    def request(*parts: str) -> None:
        requested.append(parts)
        if len(requested) == 2:
            twice.set()

    refresher.request = request  # type: ignore[method-assign]
    pump = EventPump(refresher, lambda _: None, ring.add, lambda: ring.last_time_nano)
    stop = threading.Event()
    thread = threading.Thread(target=pump.run, args=(stop,))
    thread.start()
    assert twice.wait(30)  # the one-event stream ends: a drop, then a second stream
    stop.set()
    pump.close()
    thread.join(30)
    # First: the shown tasks follow from their service's status, as at each poll.
    assert sorted(requested[0]) == ["engine", "nodes", "services"]
    assert requested[1] == ()  # after a drop: everything
