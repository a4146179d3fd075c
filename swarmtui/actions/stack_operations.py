"""Stack deploy and remove as operations: the plan is built (and every file problem raised)
before an Operation exists, so a broken file changes nothing."""

from __future__ import annotations

from collections.abc import Mapping

from swarmtui.actions.operations import Operation
from swarmtui.ports import Mutator
from swarmtui.stacks.deploy import (
    Progress,
    StackContents,
    deploy_stack,
    remove_stack,
)
from swarmtui.stacks.loader import load_stack
from swarmtui.stacks.plan import StackPlan, StackSource


def _quiet(step: object) -> None:
    return None


def deploy_operation(
    source: StackSource,
    progress: Progress = _quiet,
    environ: Mapping[str, str] | None = None,
) -> tuple[StackPlan, Operation]:
    """The plan of SOURCE (raises ComposeFileError) and the operation that deploys it."""
    plan = load_stack(source, environ)

    def run(mutator: Mutator) -> object:
        return deploy_stack(
            plan,
            mutator,
            prune=source.prune,
            resolve_image=source.resolve_image,
            progress=progress,
        )

    return plan, Operation(f"Deploy stack {source.name}", source.command(), run)


def remove_operation(contents: StackContents, progress: Progress = _quiet) -> Operation:
    return Operation(
        f"Remove stack {contents.stack}",
        f"docker stack rm {contents.stack}",
        lambda mutator: remove_stack(contents, mutator, progress=progress),
        destructive=True,
        warning=removal_warning(contents),
    )


def removal_warning(contents: StackContents) -> str:
    parts = []
    for kind in ("service", "network", "secret", "config"):
        names = contents.names(kind)
        if names:
            parts.append(f"{len(names)} {kind}{'s' if len(names) != 1 else ''}: {', '.join(names)}")
    return "Removes " + "; ".join(parts) + "." if parts else "Nothing found in this stack."
