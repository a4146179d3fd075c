"""A real headless Chromium (Debian's chromium + chromium-driver, driven by selenium) on a
`swarmtui serve` page, offline: every host name but loopback fails to resolve, background
traffic is off.

The page's xterm.js draws on a canvas (WebGL), so the screen's text is not in the DOM: a
script installed before the page's own wraps its WebSocket and keeps, in order, every byte
the terminal received and every size it sent; pyte replays them into the screen the page
drew. Keys go to xterm.js's own input element, as a user's typing does."""

from __future__ import annotations

import base64
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pyte
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from helpers.waiting import Deadline

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

TAP = """
(() => {
  const Native = window.WebSocket;
  const events = (window.__terminalTap = []);
  const size = (width, height) => events.push({ size: [Number(width), Number(height)] });
  window.WebSocket = function (url, protocols) {
    const socket = new Native(url, protocols);
    const query = new URL(url).searchParams;
    size(query.get("width"), query.get("height"));
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") return;
      const bytes = new Uint8Array(event.data);
      let text = "";
      for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
      events.push({ data: btoa(text) });
    });
    const send = socket.send.bind(socket);
    socket.send = (message) => {
      if (typeof message === "string" && message.startsWith('["resize"')) {
        const { width, height } = JSON.parse(message)[1];
        size(width, height);
      }
      send(message);
    };
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
})();
"""


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is not installed (Debian: apt-get install chromium chromium-driver)"
    return None


class BrowserConsole:
    def __init__(self, width: int = 1400, height: int = 900) -> None:
        options = Options()
        options.binary_location = str(CHROMIUM)
        for argument in (
            "--headless=new",
            "--no-sandbox",  # root in a container
            "--disable-dev-shm-usage",
            f"--window-size={width},{height}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-sync",
            "--no-first-run",
            "--enable-unsafe-swiftshader",  # WebGL in software, as headless has no GPU
        ):
            options.add_argument(argument)
        os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager downloads nothing
        self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TAP})
        self._screen = pyte.Screen(80, 24)
        self._stream = pyte.ByteStream(self._screen)

    def open(self, url: str) -> None:
        self.driver.get(url)

    def resources(self) -> list[str]:
        """The URLs of everything the page loaded (the document, scripts, styles, fonts)."""
        names: list[str] = self.driver.execute_script(
            "return [location.href, ...performance.getEntriesByType('resource').map(e => e.name)]"
        )
        return names

    def text(self) -> str:
        """The terminal's screen as the page shows it now."""
        events: list[dict[str, Any]] = self.driver.execute_script(
            "return window.__terminalTap ? window.__terminalTap.splice(0) : []"
        )
        for event in events:
            if "size" in event:
                columns, rows = event["size"]
                self._screen.resize(rows, columns)
            else:
                self._stream.feed(base64.b64decode(event["data"]))
        return "\n".join(self._screen.display)

    def wait_for(self, *texts: str, what: str, timeout: float = 90.0) -> str:
        """The screen once it shows every one of TEXTS."""
        deadline = Deadline(timeout, what)
        while not all(t in (screen := self.text()) for t in texts):
            try:
                deadline.check()
            except AssertionError as exc:
                raise AssertionError(f"{exc}; the page's screen:\n{screen}") from None
            time.sleep(0.5)
        return screen

    def type(self, keys: str) -> None:
        """KEYS typed into the terminal, as one send_keys (selenium's Keys for special keys)."""
        self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea").send_keys(keys)

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path.with_suffix(".tmp.png")))
        shutil.move(path.with_suffix(".tmp.png"), path)

    def close(self) -> None:
        self.driver.quit()

    def __enter__(self) -> BrowserConsole:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
