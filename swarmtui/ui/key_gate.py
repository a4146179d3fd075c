"""Typed-ahead keys reach the screen and field they were meant for.

A terminal over SSH, a paste or a quick typist delivers several keys at once. Textual hands
each key to the widget focused *when the app reads it*: in a burst `s 3 enter`, all three
are queued on the services pane before `s` has opened the scale modal, so `3` and `enter`
never reach its field. The gate takes every key (and paste) as it arrives and hands them on
one at a time. The next key goes out only when the previous one has been handled all the way
up the DOM (bindings and the messages it caused included), the screen it left is mounted and
focused, and that screen is not busy sending what the key asked for (an operation modal
waiting for the engine: the keys after `enter` are meant for what comes after it).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, runtime_checkable

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.widget import Widget

# How long one step of the hand-over may take before the gate moves on regardless. A widget
# closed under the key is noticed at once (it stops running); this bounds anything else, so
# a stuck key never blocks the next for long, while a slow, loaded machine still keeps order.
STEP_TIMEOUT = 20.0
# How long keys wait for a busy screen (an operation in flight) before they go to it anyway.
BUSY_TIMEOUT = 60.0
# Rounds of "screen mounted, queues flushed" after a key: an action may push a screen whose
# mount focuses a widget, which may in turn open something.
SETTLE_ROUNDS = 4
POLL = 0.05
# How long a key may hold the screen's repaints while it is handed through the DOM (the app,
# the focused widget, its screen, back to the app's bindings): a repaint that came due
# meanwhile (30 ms and more on a loaded machine while logs flood in) would run between two
# of those steps, and the key would wait for it. Held longer, the screen paints anyway.
PAINT_HOLD = 0.05


@runtime_checkable
class BusyScreen(Protocol):
    """A screen that sends something and then closes or shows the result."""

    @property
    def busy(self) -> bool: ...


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

    def take_pending(self) -> list[events.Event]:
        """The keys still waiting, taken away: for a shell that opened under them."""
        taken = list(self._pending)
        self._pending.clear()
        return taken

    @property
    def idle(self) -> bool:
        """No key waits or is being handed on."""
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
        # A screen pushed by something other than a key (a command, a worker) may still be
        # mounting: the key is meant for the field it will focus.
        await _until_mounted(app, app.screen)
        target = app.focused or app.screen
        with _repaints_held(app, PAINT_HOLD):
            await self._dispatch(event)
            await _through(target)
        await self._settle()

    async def _settle(self) -> None:
        app = self._app
        loop = asyncio.get_running_loop()
        busy_until = loop.time() + BUSY_TIMEOUT
        rounds = 0
        while rounds < SETTLE_ROUNDS and app.is_running:
            screen = app.screen
            await _until_mounted(app, screen)
            focused = app.focused
            await _through(focused or screen)
            if isinstance(screen, BusyScreen) and screen.busy and loop.time() < busy_until:
                await asyncio.sleep(POLL)
                continue
            if app.screen is screen and app.focused is focused:
                return
            rounds += 1


@contextmanager
def _repaints_held(app: App[Any], most: float) -> Iterator[None]:
    """No repaint while in the block, for at most MOST seconds; then one with every change."""
    batch = app.batch_update()
    batch.__enter__()
    held = [True]

    def release() -> None:
        if held[0]:
            held[0] = False
            batch.__exit__(None, None, None)
            if app.is_running:
                app.screen.check_idle()  # the screen resumes its paused repaint timer

    timer = asyncio.get_running_loop().call_later(most, release)
    try:
        yield
    finally:
        timer.cancel()
        release()


async def _through(widget: Widget) -> None:
    """Wait until WIDGET, then each of its ancestors up to the app, has processed what was
    queued on it. A message bubbling up (a key, the Submitted it caused) is posted to the
    parent before the child gets to our callback, so it is handled before we move on."""
    for pump in (widget, *widget.ancestors):
        await _round_trip(pump)


async def _round_trip(pump: MessagePump) -> None:
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def finish() -> None:
        if not done.done():
            done.set_result(None)

    if not pump.is_running or not pump.call_later(finish):
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT
    # A pump that stops (its widget removed under the key) drops our callback: stop waiting.
    while not done.done() and pump.is_running and loop.time() < deadline:
        await asyncio.wait([done], timeout=POLL)


async def _until_mounted(app: App[Any], screen: Widget) -> None:
    """A pushed screen composes and mounts its children before it can take focus."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT
    while not screen.is_mounted and app.screen is screen and loop.time() < deadline:
        await asyncio.sleep(POLL / 10)
