"""Where the console can connect: the docker contexts (read from the docker CLI's own files,
never by running it), the hosts of swarmtui's config and the known machines' swarms.

Docker keeps a context in ~/.docker/contexts/meta/<sha256 of its name>/meta.json
(`{"Name": ..., "Endpoints": {"docker": {"Host": ..., "SkipTLSVerify": ...}}}`), its TLS
files beside it under tls/; the one in use is `currentContext` in ~/.docker/config.json
(DOCKER_CONTEXT overrides it) and "default" (DOCKER_HOST or the local socket) otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from swarmtui.core.endpoints import (
    Endpoint,
    EndpointError,
    context_endpoint,
    current_context_name,
    docker_config_dir,
    parse_endpoint_url,
)

ChoiceKind = Literal["context", "host", "machine"]


@dataclass(frozen=True)
class ContextChoice:
    """One place to connect to. ENDPOINT is None when it cannot be used (ERROR says why)."""

    name: str
    kind: ChoiceKind
    endpoint: Endpoint | None
    detail: str = ""
    error: str = ""

    @property
    def where(self) -> str:
        return self.endpoint.display if self.endpoint is not None else self.error


def docker_context_names(env: Mapping[str, str]) -> list[str]:
    """The names of the stored docker contexts, sorted; "default" first (always there)."""
    meta_dir = docker_config_dir(env) / "contexts" / "meta"
    names: set[str] = set()
    try:
        folders = list(meta_dir.iterdir())
    except OSError:
        folders = []
    for folder in folders:
        try:
            meta = json.loads((folder / "meta.json").read_text())
        except (OSError, ValueError):
            continue
        name = meta.get("Name") if isinstance(meta, dict) else None
        if isinstance(name, str) and name and name != "default":
            names.add(name)
    return ["default", *sorted(names)]


def docker_contexts(env: Mapping[str, str]) -> list[ContextChoice]:
    """Every docker context; the one in use says so in its detail."""
    current = current_context_name(env) or "default"
    choices = []
    for name in docker_context_names(env):
        detail = "docker context (current)" if name == current else "docker context"
        try:
            choices.append(ContextChoice(name, "context", context_endpoint(name, env), detail))
        except EndpointError as exc:
            choices.append(ContextChoice(name, "context", None, detail, str(exc)))
    return choices


def config_host_choices(hosts: Sequence[str]) -> list[ContextChoice]:
    """The `hosts` of swarmtui's config, each named by its URL."""
    choices = []
    for host in hosts:
        try:
            endpoint = Endpoint(parse_endpoint_url(host), "config")
        except EndpointError as exc:
            choices.append(ContextChoice(host, "host", None, "config host", str(exc)))
            continue
        choices.append(ContextChoice(endpoint.display, "host", endpoint, "config host"))
    return choices


def startup_context_name(endpoints: Sequence[Endpoint]) -> str:
    """The context name the header shows for how the console was started: the docker
    context's name when it came from one, else "" (a host given by flag or config)."""
    if len(endpoints) != 1:
        return ""
    source = endpoints[0].source
    if source == "default":
        return "default"
    return source.removeprefix("context ") if source.startswith("context ") else ""
