"""What a stack deploy will send: every spec built and checked before the engine is asked
for anything."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from swarmtui.stacks.objects import FileObjectPlan, NetworkPlan

Spec = dict[str, Any]
RESOLVE_IMAGE = ("always", "changed", "never")


@dataclass(frozen=True)
class StackSource:
    """What the operator asks for: `docker stack deploy -c FILE... NAME`."""

    name: str
    compose_files: tuple[Path, ...]
    env_file: Path | None = None
    prune: bool = False
    resolve_image: str = "always"
    detach: bool = True

    def command(self) -> str:
        """The equivalent docker CLI command (swarmtui's own options after it)."""
        words = ["docker", "stack", "deploy"]
        for path in self.compose_files:
            words += ["-c", str(path)]
        if self.prune:
            words.append("--prune")
        if self.resolve_image != "always":
            words += ["--resolve-image", self.resolve_image]
        if not self.detach:
            words.append("--detach=false")
        words.append(self.name)
        return " ".join(shlex.quote(word) for word in words)


@dataclass(frozen=True)
class StackPlan:
    stack: str
    services: dict[str, Spec]  # compose service name -> ServiceSpec (secret/config IDs unset)
    networks: list[NetworkPlan]
    external_networks: list[str]
    secrets: list[FileObjectPlan]
    configs: list[FileObjectPlan]
    warnings: list[str] = field(default_factory=list)
    # "file:line" where each external object is declared, by (kind, name on the swarm)
    origins: dict[tuple[str, str], str] = field(default_factory=dict)

    def origin(self, kind: str, name: str) -> str:
        where = self.origins.get((kind, name), "")
        return f"{where}: " if where else ""

    def service_names(self) -> list[str]:
        return sorted(spec["Name"] for spec in self.services.values())
