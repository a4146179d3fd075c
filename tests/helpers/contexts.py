"""The demo console with places to switch to: docker contexts written where the docker CLI
keeps them (a test folder as DOCKER_CONFIG), a config host, and an opener that answers
every endpoint with the demo cluster."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.demo.cluster import DEMO_NOW, DemoBackend
from swarmtui.ports import ClusterBackend
from swarmtui.session.failover import FailoverPlan
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp

DEMO_HOST = "tcp://127.0.0.1:2375"


def write_docker_context(config_dir: Path, name: str, host: str) -> None:
    """What `docker context create NAME --docker host=HOST` stores."""
    folder = config_dir / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    folder.mkdir(parents=True)
    body = {"Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": host}}}
    (folder / "meta.json").write_text(json.dumps(body))


def use_docker_config(
    monkeypatch: pytest.MonkeyPatch, folder: Path, contexts: dict[str, str], current: str = ""
) -> None:
    """The docker CLI's files in FOLDER: CONTEXTS (name -> host), CURRENT in use."""
    for name, host in contexts.items():
        write_docker_context(folder, name, host)
    if current:
        (folder / "config.json").write_text(json.dumps({"currentContext": current}))
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))
    for variable in ("DOCKER_HOST", "DOCKER_CONTEXT"):
        monkeypatch.delenv(variable, raising=False)


def switchable_demo_app(config: Config | None = None) -> tuple[SwarmTuiApp, list[str]]:
    """The demo console whose session can switch; the URLs it opened, in order."""
    opened: list[str] = []

    def open_backend(endpoint: Endpoint) -> ClusterBackend:
        opened.append(endpoint.url)
        return DemoBackend()

    first = Endpoint(DEMO_HOST, "--host")
    session = Session(
        lambda: open_backend(first),
        config or Config(path=None, hosts=(DEMO_HOST,)),
        endpoint_label=DEMO_HOST,
        clock=lambda: DEMO_NOW,
        failover=FailoverPlan([first], open_backend),
    )
    return SwarmTuiApp(session), opened
