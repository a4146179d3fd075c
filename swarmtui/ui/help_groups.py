"""What `?` lists: every screen's and widget's bindings, in groups. Imported when `?` is
pressed: it names every screen, and the first paint needs none of them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.binding import BindingType
from textual.screen import Screen

from swarmtui.ui.modals.create_machine_dialog import CreateMachineDialog
from swarmtui.ui.modals.object_modals import ObjectFormModal
from swarmtui.ui.modals.operation_modal import OperationModal
from swarmtui.ui.screens.contexts_screen import ContextsScreen
from swarmtui.ui.screens.create_service_screen import CreateServiceScreen
from swarmtui.ui.screens.edit_service_screen import EditServiceScreen
from swarmtui.ui.screens.events_screen import EventsScreen
from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.screens.init_swarm_screen import InitSwarmScreen
from swarmtui.ui.screens.inspect_screen import InspectScreen
from swarmtui.ui.screens.join_screen import JoinTokensScreen
from swarmtui.ui.screens.journal_screen import JournalScreen
from swarmtui.ui.screens.log_screen import LogScreen
from swarmtui.ui.screens.machines_screen import MachinesScreen
from swarmtui.ui.screens.main_screen import USAGE_BINDINGS, MainScreen
from swarmtui.ui.screens.problem_screen import ProblemScreen
from swarmtui.ui.screens.rollout_screen import RolloutScreen
from swarmtui.ui.screens.top_screen import TopScreen
from swarmtui.ui.screens.why_screen import WhyScreen
from swarmtui.ui.widgets.filter_bar import FilterBar
from swarmtui.ui.widgets.log_search_bar import LogSearchBar
from swarmtui.ui.widgets.log_view import LogView
from swarmtui.ui.widgets.object_panes import SecretsPane
from swarmtui.ui.widgets.panes import NodesPane, ServicesPane, StacksPane, TasksPane
from swarmtui.ui.widgets.resource_table import ResourceTable
from swarmtui.ui.widgets.virtual_table import VirtualTable


def help_groups(
    app_bindings: Iterable[BindingType], last: Iterable[BindingType] = ()
) -> list[tuple[str, Iterable[BindingType]]]:
    """(group title, bindings), in the order `?` shows them; APP_BINDINGS: the app's own,
    less LAST, which go at the end (added later: the rows above keep their places)."""
    at_end = list(last)
    return [
        ("global", [b for b in app_bindings if b not in at_end]),
        ("main", [b for b in MainScreen.BINDINGS if b not in USAGE_BINDINGS]),
        ("panes", VirtualTable.BINDINGS),
        ("panes", ResourceTable.BINDINGS),
        ("nodes", NodesPane.BINDINGS),
        ("services", ServicesPane.BINDINGS),
        ("stacks", StacksPane.BINDINGS),
        ("objects", SecretsPane.BINDINGS),
        ("object forms", ObjectFormModal.BINDINGS),
        ("tasks", TasksPane.BINDINGS),
        ("modals", OperationModal.BINDINGS),
        ("filter", FilterBar.BINDINGS),
        ("inspect", InspectScreen.BINDINGS),
        ("logs", LogScreen.BINDINGS),
        ("logs", LogView.BINDINGS),
        ("log search", LogSearchBar.BINDINGS),
        ("help", HelpScreen.BINDINGS),
        ("problem", ProblemScreen.BINDINGS),
        ("init", InitSwarmScreen.BINDINGS),
        ("create", CreateServiceScreen.BINDINGS),
        ("edit", EditServiceScreen.BINDINGS),
        ("rollout", RolloutScreen.BINDINGS),
        ("join", JoinTokensScreen.BINDINGS),
        ("journal", JournalScreen.BINDINGS),
        ("machines", MachinesScreen.BINDINGS),
        ("create machine", CreateMachineDialog.BINDINGS),
        ("main", USAGE_BINDINGS),  # later than the main screen's first keys
        ("top", TopScreen.BINDINGS),
        ("events", EventsScreen.BINDINGS),
        ("contexts", ContextsScreen.BINDINGS),
        ("why", WhyScreen.BINDINGS),
        ("global", at_end),
    ]


# Where the help starts on a modal screen (its own keys); the most specific first.
HELP_GROUPS: list[tuple[type[Screen[Any]], str]] = [
    (JoinTokensScreen, "join"),
    (CreateMachineDialog, "create machine"),
    (EditServiceScreen, "edit"),
    (CreateServiceScreen, "create"),
    (ObjectFormModal, "object forms"),
    (OperationModal, "modals"),
]


def help_group_of(screen: Screen[Any]) -> str | None:
    return next((group for kind, group in HELP_GROUPS if isinstance(screen, kind)), None)
