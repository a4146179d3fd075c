"""The cluster header: what `docker info` tells about the swarm, plus connection state."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from swarmtui.core.models import ClusterSnapshot
from swarmtui.ui.widgets.text_update import update_text

LIVE = "live"


def data_age_text(age_seconds: float | None, poll_interval: float) -> str:
    """'live' while polls succeed on time; otherwise the age, coarse so idle costs no redraws."""
    if age_seconds is None:
        return "no data"
    if age_seconds <= max(3 * poll_interval, 5):
        return LIVE
    if age_seconds < 120:
        return f"stale {int(age_seconds // 5 * 5)}s"
    return f"stale {int(age_seconds // 60)}m"


class ClusterHeader(Static):
    def __init__(self) -> None:
        super().__init__(id="cluster-header")
        self._snapshot: ClusterSnapshot | None = None
        self._age = "no data"
        self._events_ok = False
        self._error = ""
        self._switched_from = ""
        self._electing = False
        # The manager in use: the snapshot's until a failover names another (the snapshot
        # keeps the dead one's data until the new manager answers).
        self._endpoint = ""
        self._context_name = ""  # the context's name, when the console knows one
        self._shown: Text | None = None

    def show_context(self, name: str) -> None:
        if name != self._context_name:
            self._context_name = name
            self._render_header()

    def show_snapshot(self, snapshot: ClusterSnapshot) -> None:
        shown, self._snapshot = self._snapshot, snapshot
        self._endpoint = snapshot.endpoint
        if shown is not None and (shown.engine, shown.nodes, shown.endpoint) == (
            snapshot.engine,
            snapshot.nodes,
            snapshot.endpoint,
        ):
            return  # a service changed: nothing the header shows (the theme's colours cost)
        self._render_header()

    def show_switch(self, old: str, new: str) -> None:
        self._switched_from = old
        self._endpoint = new
        self._render_header()

    def show_state(self, age: str, events_ok: bool, error: str, electing: bool = False) -> None:
        state = (age, events_ok, error, electing)
        if state == (self._age, self._events_ok, self._error, self._electing):
            return
        self._age, self._events_ok, self._error, self._electing = state
        self._render_header()

    def _var(self, name: str) -> str:
        return self.app.get_css_variables().get(name, "")

    def _render_header(self) -> None:
        snap = self._snapshot
        text = Text(no_wrap=True, overflow="ellipsis")
        if snap is None:
            text.append("connecting…")
            self._show(text)
            return
        managers = sum(1 for n in snap.nodes if n.role == "manager")
        workers = len(snap.nodes) - managers
        ready = sum(1 for n in snap.nodes if n.status == "ready")
        down = sum(1 for n in snap.nodes if n.status == "down")
        leader = snap.leader.hostname if snap.leader else "none"
        if self._electing:
            leader = "being elected"  # the snapshot's leader is the one that was lost
        text.append("Swarm ", style="bold")
        text.append(snap.engine.cluster_id[:12] or "?", style=self._var("accent"))
        text.append(f"  managers {managers}  workers {workers}  ")
        text.append(f"ready {ready}", style=self._var("success"))
        text.append("  ")
        text.append(f"down {down}", style=self._var("error") if down else "")
        text.append(f"  leader {leader}\n")
        versions = sorted({n.engine_version for n in snap.nodes if n.engine_version})
        text.append(f"Engine {', '.join(versions) or snap.engine.server_version}")
        text.append(f" (API {snap.engine.api_version})  ")
        if self._context_name:
            text.append(f"context {self._context_name} ", style="bold")
        text.append(f"{self._endpoint or snap.endpoint}  ")
        if self._switched_from and self._switched_from != self._endpoint:
            text.append(f"(failover from {self._switched_from})  ", style=self._var("warning"))
        if self._electing:
            text.append(f"● {self._error.lower()}", style=self._var("warning"))
        elif self._error:
            text.append(f"● {self._error}", style=self._var("error"))
        else:
            style = self._var("success") if self._age == LIVE else self._var("warning")
            text.append(f"● {self._age}", style=style)
            if not self._events_ok:
                text.append("  events reconnecting", style=self._var("warning"))
        self._show(text)

    def _show(self, text: Text) -> None:
        """Most snapshots change nothing here (a service scaled): no redraw, no layout."""
        if text == self._shown:
            return
        self._shown = text
        update_text(self, text)
