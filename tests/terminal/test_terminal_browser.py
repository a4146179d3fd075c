"""`swarmtui serve` on the lab, as the installed command: plain HTTP for the access token
(403 without it, for the page, its assets and the websocket), then a real headless Chromium
that loads the page offline, shows the lab's nodes and services, and scales a service with
keys typed in the page (asserted on the engine)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers.browser import BrowserConsole, chromium_missing
from helpers.pty_console import SWARMTUI
from helpers.swarm import create_service, inspect_service
from helpers.waiting import wait_for
from selenium.webdriver.common.keys import Keys

from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab

TOKEN = "lab-test-token-0123456789abcdef"
SCREENSHOT = os.environ.get("SWARMTUI_BROWSER_SCREENSHOT")  # e.g. screenshots/browser.png


@dataclass
class Served:
    base: str
    process: subprocess.Popen[str]

    def status(self, path: str, cookie: str | None = None) -> int:
        request = urllib.request.Request(self.base + path)
        if cookie:
            request.add_header("Cookie", cookie)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@contextmanager
def serving(lab: Lab, home: Path, *options: str) -> Iterator[Served]:
    """`swarmtui serve` on LAB on a free loopback port with the token in a file; stopped with
    ctrl+c afterwards, and the consoles of its tabs gone with it."""
    token_file = home / "token"
    token_file.write_text(TOKEN + "\n")
    port = free_loopback_port()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    env["XDG_DATA_HOME"] = str(home / ".local" / "share")
    args = ["--host", lab.manager_url, "--lab", lab.name, "serve"]
    args += ["--port", str(port), "--token-file", str(token_file), *options]
    process = subprocess.Popen(
        [str(SWARMTUI), *args], env=env, text=True, stdout=subprocess.PIPE, start_new_session=True
    )
    try:
        wait_for(lambda: answers(port) or process.poll() is not None, 60, "swarmtui serve")
        assert process.poll() is None, "swarmtui serve exited"
        yield Served(f"http://127.0.0.1:{port}", process)
    finally:
        # ctrl+c in its terminal: SIGINT to the foreground process group, the tabs' consoles
        # included; all of them are gone afterwards.
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
            wait_for(lambda: not in_session(process.pid), 30, "the consoles to exit")
        finally:
            left = in_session(process.pid)
            if left or process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        assert process.stdout is not None
        printed = process.stdout.read()
    assert f"/?token={TOKEN}" in printed and "127.0.0.1" in printed
    assert left == [], "console processes outlived swarmtui serve"


def in_session(session_id: int) -> list[str]:
    """The processes still running in the session SESSION_ID leads."""
    found = subprocess.run(
        ["pgrep", "-s", str(session_id)], capture_output=True, text=True, check=False
    )
    return found.stdout.split()


@pytest.fixture(scope="module")
def served(lab_swarm: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(lab_swarm, tmp_path_factory.mktemp("serve-home"), "--write") as server:
        yield server


@pytest.fixture
def browser() -> Iterator[BrowserConsole]:
    missing = chromium_missing()
    if missing:
        pytest.skip(missing)
    with BrowserConsole() as opened:
        yield opened


def sleeper(client: Any, name: str) -> str:
    service = {
        "Name": name,
        "TaskTemplate": {"ContainerSpec": {"Image": WORKLOAD_IMAGE, "Args": ["sleep", "1d"]}},
        "Mode": {"Replicated": {"Replicas": 1}},
    }
    return create_service(client, service)


def test_every_request_without_the_token_is_refused(served: Served) -> None:
    for path in ("/", "/?token=wrong", f"/?token={TOKEN[:-1]}", "/static/js/textual.js", "/ws"):
        assert served.status(path) == 403, path
    assert served.status("/ws", cookie=f"swarmtui_token_{port_of(served)}=wrong") == 403
    assert served.status(f"/?token={TOKEN}") == 200
    cookie = f"swarmtui_token_{port_of(served)}={TOKEN}"
    assert served.status("/static/js/textual.js", cookie=cookie) == 200
    with urllib.request.urlopen(f"{served.base}/?token={TOKEN}", timeout=30) as response:
        page = response.read().decode()
    assert "textual-terminal" in page and "googleapis" not in page


def port_of(served: Served) -> str:
    return served.base.rsplit(":", 1)[1]


def replicas(client: Any, service_id: str) -> int:
    return int(inspect_service(client, service_id)["Spec"]["Mode"]["Replicated"]["Replicas"])


def test_chromium_scales_a_service(
    served: Served, browser: BrowserConsole, manager_client: Any, prefix: str, tmp_path: Path
) -> None:
    name = f"{prefix}-web"
    service_id = sleeper(manager_client, name)
    browser.open(f"{served.base}/?token={TOKEN}")
    browser.wait_for("manager1", "worker1", "worker2", "Leader", what="the lab's nodes")
    browser.wait_for(name, service_id[:12], what=f"{name} in the services pane")
    loaded = browser.resources()
    assert loaded and all(url.startswith(served.base + "/") for url in loaded), loaded
    browser.type(f"2/{name}{Keys.ENTER}s{Keys.CONTROL}u{Keys.NULL}3{Keys.ENTER}")
    wait_for(lambda: replicas(manager_client, service_id) == 3, 90, f"{name} scaled to 3")
    # The tasks pane follows the service under the cursor: its three tasks, running.
    screen = browser.wait_for(f"Tasks (3) of service {name}", what="the three tasks")
    wait_for(
        lambda: browser.text().count(f"{WORKLOAD_IMAGE}  ") == 3 and "Running" in browser.text(),
        90,
        "three task rows",
    )
    assert "s Scale" in screen  # --write: the mutating actions are offered
    browser.screenshot(Path(SCREENSHOT) if SCREENSHOT else tmp_path / "browser.png")


def test_read_only_without_write(
    lab_swarm: Lab, browser: BrowserConsole, manager_client: Any, prefix: str, tmp_path: Path
) -> None:
    name = f"{prefix}-ro"
    service_id = sleeper(manager_client, name)
    with serving(lab_swarm, tmp_path) as server:
        browser.open(f"{server.base}/?token={TOKEN}")
        browser.wait_for(name, service_id[:12], what=f"{name} in the services pane")
        browser.type(f"2/{name}{Keys.ENTER}")
        # The tasks pane follows the filtered service before `enter` leaves the filter: the
        # services pane's own footer (`? Help`) says the keys are its again.
        screen = browser.wait_for(
            f"Tasks (1) of service {name}", "? Help", what="the service selected"
        )
        assert "s Scale" not in screen and "x Remove" not in screen
        # `s` opens no scale form: the `?` after it opens the help instead of going into a form.
        browser.type(f"s3{Keys.ENTER}?")
        browser.wait_for("WHERE", "ACTION", what="the help after the refused s")
        assert replicas(manager_client, service_id) == 1
