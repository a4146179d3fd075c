"""Stacks as `docker stack ls` knows them: the services that carry one value of the label
`com.docker.stack.namespace`, summed up from a snapshot alone (no request per stack).

Services without the label make one more group, NO_STACK, listed after every stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from swarmtui.core.models import Service

STACK_LABEL = "com.docker.stack.namespace"
NO_STACK = ""  # the stack name of a service outside any stack
NO_STACK_TITLE = "(no stack)"

# An update state of the services of a stack: the one a stack shows is the first of this list
# that any of its services is in. A stopped update needs the operator before one in progress;
# a finished rollback is worth seeing after that; "completed" only when nothing else is.
UPDATE_STATE_ORDER = (
    "rollback_paused",
    "paused",
    "rollback_started",
    "updating",
    "rollback_completed",
    "completed",
)

_STACK_FILTER = re.compile(r"(?:^|\s)stack:(\S*)")


def stack_name(service: Service) -> str:
    """The stack SERVICE belongs to, NO_STACK for none."""
    labels = (service.raw.get("Spec") or {}).get("Labels") or {}
    return str(labels.get(STACK_LABEL) or NO_STACK)


def stack_title(name: str) -> str:
    return name if name != NO_STACK else NO_STACK_TITLE


@dataclass(frozen=True)
class StackSummary:
    name: str  # NO_STACK for the services outside any stack
    services: int
    tasks_running: int | None  # None: some service's count is not known
    tasks_desired: int | None
    networks: int
    secrets: int
    configs: int
    update_state: str  # one of UPDATE_STATE_ORDER, or "" when no service was ever updated

    @property
    def title(self) -> str:
        return stack_title(self.name)

    @property
    def tasks_text(self) -> str:
        """Running/desired tasks as the services pane counts them, summed: `5/6`."""
        running = "?" if self.tasks_running is None else str(self.tasks_running)
        desired = "?" if self.tasks_desired is None else str(self.tasks_desired)
        return f"{running}/{desired}"


def summarize_stacks(services: Iterable[Service]) -> list[StackSummary]:
    """One summary per stack, by name, then the services outside stacks (when there are)."""
    groups: dict[str, list[Service]] = {}
    for service in services:
        groups.setdefault(stack_name(service), []).append(service)
    names = sorted(name for name in groups if name != NO_STACK)
    if NO_STACK in groups:
        names.append(NO_STACK)
    return [_summary(name, groups[name]) for name in names]


def services_of_stack(services: Iterable[Service], name: str) -> list[Service]:
    return [s for s in services if stack_name(s) == name]


def _summary(name: str, services: list[Service]) -> StackSummary:
    return StackSummary(
        name=name,
        services=len(services),
        tasks_running=_total(s.replicas_running for s in services),
        tasks_desired=_total(s.replicas_desired for s in services),
        networks=len({n for s in services for n in _networks(s)}),
        secrets=len({n for s in services for n in _referenced(s, "Secrets", "SecretName")}),
        configs=len({n for s in services for n in _referenced(s, "Configs", "ConfigName")}),
        update_state=stack_update_state(s.update_state for s in services),
    )


def _total(counts: Iterable[int | None]) -> int | None:
    total = 0
    for count in counts:
        if count is None:
            return None
        total += count
    return total


def stack_update_state(states: Iterable[str]) -> str:
    """The state a stack shows for its services' update states (see UPDATE_STATE_ORDER).
    A state the list does not know (a newer engine's) counts as an update in progress."""
    known = set(UPDATE_STATE_ORDER)
    found = {state if state in known else "updating" for state in states if state}
    return next((state for state in UPDATE_STATE_ORDER if state in found), "")


def _spec(service: Service) -> dict[str, Any]:
    spec = service.raw.get("Spec")
    return spec if isinstance(spec, dict) else {}


def _networks(service: Service) -> Iterator[str]:
    """Targets of the task template's networks, and of the deprecated service-level list."""
    spec = _spec(service)
    template = spec.get("TaskTemplate") or {}
    for attachment in [*(template.get("Networks") or ()), *(spec.get("Networks") or ())]:
        target = attachment.get("Target") if isinstance(attachment, dict) else None
        if target:
            yield str(target)


def _referenced(service: Service, field: str, name_key: str) -> Iterator[str]:
    """Names of the secrets (or configs) the container spec refers to."""
    container = (_spec(service).get("TaskTemplate") or {}).get("ContainerSpec") or {}
    for reference in container.get(field) or ():
        name = reference.get(name_key) if isinstance(reference, dict) else None
        if name:
            yield str(name)


def split_stack_filter(text: str) -> tuple[str | None, str]:
    """`stack:NAME rest` in a filter: (NAME, the rest); (None, TEXT) without `stack:`."""
    found = _STACK_FILTER.search(text)
    if found is None:
        return None, text
    parts = (text[: found.start()].strip(), text[found.end() :].strip())
    return found.group(1), " ".join(part for part in parts if part)
