"""Typed-ahead keys reach the screen and field they were meant for.

A terminal over SSH, a paste or a quick typist delivers several keys at once. Textual hands
each key to the widget focused *when the app reads it*: in a burst `s 3 enter`, all three
are queued on the services pane before `s` has opened the scale modal, so `3` and `enter`
never reach its field. The gate takes every key (and paste) as it arrives and hands them on
one at a time: the next key goes out only when the previous one has been handled all the
way up the DOM (bindings included) and the screen it left behind is mounted and focused.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from textual import events
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widget import Widget

# How long one step of the hand-over may take before the gate moves on regardless. A widget
# closed under the key is noticed at once (it stops running); this bounds anything else, so a
# stuck key never blocks the next for long, while a slow, loaded machine still keeps order.
STEP_TIMEOUT = 20.0
POLL = 0.05
# Rounds of "screen mounted, queues flushed" after a key: an action may push a screen whose
# mount focuses a widget, which may in turn mount something.
SETTLE_ROUNDS = 4


@dataclass
class KeyHandled(Message):
    """Follows a key up the same path: when it reaches the app, the key has been handled."""

    done: asyncio.Future[None] = field(default_factory=asyncio.Future)


class KeyGate:
    """Serialises key and paste events for APP; `offer` is called from `App.on_event`."""

    def __init__(self, app: App[Any], dispatch: Callable[[events.Event], Awaitable[None]]):
        self._app = app
        self._dispatch = dispatch
        self._pending: deque[events.Event] = deque()
        self._draining: asyncio.Task[None] | None = None

    def offer(self, event: events.Event) -> bool:
        """Take EVENT if it is typed input the gate orders; False: dispatch it as usual."""
        if not isinstance(event, events.Key | events.Paste) or event.is_forwarded:
            return False
        self._pending.append(event)
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain())
        return True

    @property
    def idle(self) -> bool:
        return not self._pending and (self._draining is None or self._draining.done())

    async def _drain(self) -> None:
        while self._pending:
            event = self._pending.popleft()
            try:
                await self._hand_over(event)
            except Exception as error:  # a key must never take the console down
                self._app.log.error(f"key gate: {error!r}")

    async def _hand_over(self, event: events.Event) -> None:
        app = self._app
        if not app.is_running:
            return
        target: MessagePump = app.focused or app.screen
        await self._dispatch(event)
        marker = KeyHandled()
        if target.post_message(marker):
            path = [target, *target.ancestors] if isinstance(target, Widget) else [target]
            await _answered(marker.done, path)
        await self._settle()

    async def _settle(self) -> None:
        app = self._app
        for _ in range(SETTLE_ROUNDS):
            screen, focused = app.screen, app.focused
            await _until_mounted(app, screen)
            await _round_trip(app)
            await _round_trip(screen)
            if app.screen is screen and app.focused is focused:
                return

    def handled(self, marker: KeyHandled) -> None:
        """The app's handler for KeyHandled."""
        if not marker.done.done():
            marker.done.set_result(None)


async def _answered(done: asyncio.Future[None], path: Sequence[MessagePump]) -> None:
    """Wait for DONE, unless a pump on PATH stops (its queue, and DONE's answer, are gone)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT
    while not done.done() and loop.time() < deadline:
        if not all(pump.is_running for pump in path):
            return
        await asyncio.wait([done], timeout=POLL)


async def _round_trip(pump: MessagePump) -> None:
    """Wait until PUMP has processed everything queued on it so far."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def finish() -> None:
        if not done.done():
            done.set_result(None)

    if pump.call_later(finish):
        await _answered(done, [pump])


async def _until_mounted(app: App[Any], screen: Widget) -> None:
    """A pushed screen composes and mounts its children before it can take focus."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT
    while not screen.is_mounted and app.screen is screen and loop.time() < deadline:
        await asyncio.sleep(POLL / 10)
