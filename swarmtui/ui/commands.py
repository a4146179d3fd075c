"""The ctrl+p command palette: actions, and jump-to-object for nodes and services."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from swarmtui.ui.app import SwarmTuiApp
    from swarmtui.ui.screens.main_screen import MainScreen


class SwarmCommands(Provider):
    def _entries(self) -> list[tuple[str, Callable[[], object], str]]:
        app = cast("SwarmTuiApp", self.app)
        main = app.main_screen
        entries: list[tuple[str, Callable[[], object], str]] = [
            ("Refresh now", app.refresh_now, "Fetch everything from the manager"),
            ("Show keys", app.action_help, "Every binding and its id"),
            ("Toggle task history", partial(_toggle_history, main), "Shut down and failed"),
            ("Focus nodes", partial(main.action_focus_pane, "nodes"), ""),
            ("Focus services", partial(main.action_focus_pane, "services"), ""),
            ("Focus tasks", partial(main.action_focus_pane, "tasks"), ""),
            ("Quit", app.action_quit, ""),
        ]
        entries += _operation_entries(app, main)
        snapshot = main.snapshot
        if snapshot is not None:
            for node in snapshot.nodes:
                entries.append(
                    (
                        f"node {node.hostname}",
                        partial(main.select_object, "nodes", node.id),
                        f"{node.role}, {node.status}",
                    )
                )
            for service in snapshot.services:
                entries.append(
                    (
                        f"service {service.name}",
                        partial(main.select_object, "services", service.id),
                        f"{service.replicas_text} {service.image}",
                    )
                )
        return entries

    async def discover(self) -> Hits:
        for name, callback, help_text in self._entries():
            yield DiscoveryHit(name, callback, help=help_text or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), callback, text=name, help=help_text or None
                )


def _operation_entries(
    app: SwarmTuiApp, main: MainScreen
) -> list[tuple[str, Callable[[], object], str]]:
    """Issue-3 screens; the mutating ones are left out in read-only mode."""
    from swarmtui.ui.read_only import allowed

    entries: list[tuple[str, Callable[[], object], str]] = [
        ("Create service", partial(_services, main, "create_service"), "The create form"),
        ("Join tokens", main.action_join_tokens, "Join commands, rotate tokens, leave"),
        ("Action journal", main.action_journal, "What swarmtui did; export as a script"),
        ("Machines", main.action_machines, "Create, join, leave, start, stop and remove machines"),
        ("Rollout of selected service", partial(_services, main, "rollout"), "Per-slot update"),
    ]
    actions = ("create_service", "join_tokens", "journal", "machines", "rollout")
    return [e for e, a in zip(entries, actions, strict=True) if allowed(app, a)]


def _services(main: MainScreen, action: str) -> None:
    from swarmtui.ui.widgets.panes import ServicesPane

    pane = main.query_one(ServicesPane)
    if action == "create_service":
        pane.action_create_service()
    else:
        pane.action_rollout()


def _toggle_history(main: MainScreen) -> None:
    from swarmtui.ui.widgets.panes import TasksPane

    main.query_one(TasksPane).action_toggle_history()
