"""The logs of a stack: one follower per service, their batches merged (no engine, no UI)."""

from __future__ import annotations

from swarmtui.core.models import Node, Task
from swarmtui.demo.cluster import DemoBackend
from swarmtui.logs.log_batch import LogBatch
from swarmtui.logs.log_line import LogLine
from swarmtui.logs.log_target import stack_selection
from swarmtui.logs.merged_batches import FIRST_LINES_HOLD, BatchMerger, combined_state
from swarmtui.logs.task_labels import TaskLabels


def task(task_id: str, service_id: str, slot: int | None, node: str) -> Task:
    return Task(
        task_id, service_id, slot, node, "running", "running", "", "", "img", None, None, None, ""
    )


def node(node_id: str, hostname: str) -> Node:
    return Node(
        node_id, hostname, "worker", "ready", "active", "", "", "", (), "", 1, 1, None, None
    )


WEB = TaskLabels(
    "shop_web",
    [task("w1", "web", 1, "n1"), task("w2", "web", 2, "n2")],
    [node("n1", "worker1"), node("n2", "worker2")],
)
DB = TaskLabels("shop_db", [task("d1", "db", 1, "n2")], [node("n2", "worker2")])


def line(timestamp: int, task_id: str, service_id: str) -> LogLine:
    return LogLine(timestamp, f"line {timestamp}", "stdout", "", task_id, service_id)


def test_merged_labels_name_each_task_after_its_service() -> None:
    labels = TaskLabels.merged([WEB, DB])
    assert labels.label("w1", "") == "shop_web.1@worker1"
    assert labels.label("w2", "") == "shop_web.2@worker2"
    assert labels.label("d1", "") == "shop_db.1@worker2"
    assert labels.knows("d1") and labels.knows("w2")
    assert len({labels.colour(t) for t in ("w1", "w2", "d1")}) == 3  # a colour each
    assert labels.signature == TaskLabels.merged([WEB, DB]).signature
    assert labels.signature != TaskLabels.merged([WEB]).signature
    assert TaskLabels.merged([WEB]) is WEB  # one service: its own directory


def test_batches_are_merged_by_time_with_every_services_names() -> None:
    merger = BatchMerger(2)
    web = LogBatch((line(1, "w1", "web"), line(4, "w2", "web")), WEB, "following", 0)
    db = LogBatch((line(2, "d1", "db"), line(3, "d1", "db")), DB, "connecting", 1)
    merged = merger.merge([web, db])
    assert [x.timestamp for x in merged.lines] == [1, 2, 3, 4]
    assert merged.labels is not None and merged.labels.label("d1", "") == "shop_db.1@worker2"
    assert merged.state == "connecting" and merged.reopened == 1

    # Names unchanged: none handed on; one follower's new names: merged with the other's kept.
    quiet = merger.merge([LogBatch((), None, "following", 0), LogBatch((), None, "following", 1)])
    assert quiet.labels is None and quiet.state == "following"
    db_moved = TaskLabels("shop_db", [task("d2", "db", 1, "n1")], [node("n1", "worker1")])
    renamed = merger.merge(
        [LogBatch((), None, "following", 0), LogBatch((), db_moved, "following", 1)]
    )
    assert renamed.labels is not None
    assert renamed.labels.label("d2", "") == "shop_db.1@worker1"
    assert renamed.labels.label("w1", "") == "shop_web.1@worker1"


def test_first_lines_wait_for_every_stream_so_the_history_is_in_time_order() -> None:
    now = [0.0]
    merger = BatchMerger(3, clock=lambda: now[0])
    web = LogBatch((line(5, "w1", "web"), line(7, "w2", "web")), WEB, "following", 0)
    db_late = LogBatch((), DB, "connecting", 0)
    ended = LogBatch((), None, "no logs", 0)
    assert merger.merge([web, db_late, ended]).lines == ()  # db not heard from yet
    now[0] = 0.5
    db = LogBatch((line(1, "d1", "db"), line(6, "d1", "db")), None, "following", 0)
    first = merger.merge([LogBatch((), None, "following", 0), db, ended])
    assert [x.timestamp for x in first.lines] == [1, 5, 6, 7]
    later = merger.merge([LogBatch((line(9, "w1", "web"),), None, "following", 0), db, ended])
    assert [x.timestamp for x in later.lines] == [1, 6, 9]  # no more holding


def test_a_silent_stream_holds_the_first_lines_for_a_second_at_most() -> None:
    now = [10.0]
    merger = BatchMerger(2, clock=lambda: now[0])
    web = LogBatch((line(5, "w1", "web"),), WEB, "following", 0)
    silent = LogBatch((), DB, "following", 0)
    assert merger.merge([web, silent]).lines == ()
    now[0] = 10.0 + FIRST_LINES_HOLD
    assert [x.timestamp for x in merger.merge([web, silent]).lines] == [5, 5]


def test_the_state_shown_is_the_one_that_matters_most() -> None:
    assert combined_state(["following", "reconnecting"]) == "reconnecting"
    assert combined_state(["complete", "following"]) == "following"
    assert combined_state(["no logs", "complete"]) == "no logs"
    assert combined_state(["closed"]) == "closed"
    assert combined_state([]) == "closed"


def test_a_stack_selection_follows_each_of_its_services() -> None:
    services = [s for s in DemoBackend().services() if s.name.startswith("shop_")]
    selection = stack_selection("shop", services)
    assert selection.title == "stack shop"
    assert [(t.kind, t.service_name) for t in selection.targets] == [
        ("service", "shop_web"),
        ("service", "shop_db"),
    ]
