"""The ctrl+p command palette: actions, and jump-to-object for nodes and services."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from swarmtui.display.stacks import summarize_stacks
from swarmtui.ui.screens.main_screen import MainScreen
from swarmtui.ui.session_access import allowed, session_of
from swarmtui.ui.widgets.panes import ServicesPane, TasksPane

Entry = tuple[str, Callable[[], object], str]


def object_view_entries(main: MainScreen) -> list[Entry]:
    """k9s-style `:secrets`, `:configs`, `:networks` (the colon is optional when typing)."""
    return [
        (f":{name}", partial(main.action_focus_pane, name), f"{name.capitalize()} view ({key})")
        for name, key in (("secrets", "5"), ("configs", "6"), ("networks", "7"))
    ]


class SwarmCommands(Provider):
    def _entries(self) -> list[Entry]:
        main = next((s for s in self.app.screen_stack if isinstance(s, MainScreen)), None)
        if main is None:
            return []
        session = session_of(self.app)
        tasks = main.query_one(TasksPane)
        entries: list[Entry] = [
            ("Refresh now", session.refresh_now, "Fetch everything from the manager"),
            ("Show keys", partial(self.app.run_action, "help"), "Every binding and its id"),
            ("Toggle task history", tasks.action_toggle_history, "Shut down and failed"),
            ("Focus nodes", partial(main.action_focus_pane, "nodes"), ""),
            ("Focus services", partial(main.action_focus_pane, "services"), ""),
            ("Focus tasks", partial(main.action_focus_pane, "tasks"), ""),
            (
                "Stacks view",
                partial(main.action_focus_pane, "stacks"),
                "Every stack, enter for its services",
            ),
            ("Quit", partial(self.app.run_action, "quit"), ""),
            (":events  Events", partial(main.action_events, True), "The swarm's events (V)"),
            (
                ":events  Events of the selected object",
                main.action_events,
                "The selected node's or service's events",
            ),
            (":ctx  Contexts", main.action_contexts, "Switch to another swarm (C)"),
            *object_view_entries(main),
        ]
        entries += self._operation_entries(main)
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
            for stack in summarize_stacks(snapshot.services):
                entries.append(
                    (
                        f"stack {stack.title}",
                        partial(main.show_stack_services, stack.name),
                        f"{stack.services} services, {stack.tasks_text} tasks",
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

    def _operation_entries(self, main: MainScreen) -> list[Entry]:
        """The mutating ones are left out in read-only mode."""
        services = main.query_one(ServicesPane)
        entries: list[tuple[str, Entry]] = [
            (
                "create_service",
                ("Create service", services.action_create_service, "The create form"),
            ),
            (
                "deploy_stack",
                (
                    "Deploy stack",
                    main.action_deploy_stack,
                    "docker stack deploy from compose files",
                ),
            ),
            (
                "join_tokens",
                ("Join tokens", main.action_join_tokens, "Join commands, rotate tokens, leave"),
            ),
            (
                "journal",
                ("Action journal", main.action_journal, "What swarmtui did; export as a script"),
            ),
            (
                "machines",
                (
                    "Machines",
                    main.action_machines,
                    "Create, join, leave, start, stop and remove machines",
                ),
            ),
            (
                "rollout",
                ("Rollout of selected service", services.action_rollout, "Per-slot update"),
            ),
        ]
        return [entry for action, entry in entries if allowed(self.app, action)]

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
