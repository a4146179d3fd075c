"""An engine exec with a terminal, on the connection the engine hijacked for it.

With a tty the engine sends the pty's bytes as they are (no stream headers), so the socket
carries the shell's output and takes its input byte for byte. docker-py hands the socket
over as a `socket.SocketIO` (unix, tcp), the TLS socket itself (https) or a paramiko
channel (ssh://): all of them have `fileno`, `recv` and `sendall` once unwrapped.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

READ_SIZE = 65536


class EngineShellStream:
    """A shell started by `exec_start(socket=True)`; the window size through exec_resize."""

    def __init__(self, api: Any, exec_id: str, raw: Any) -> None:
        self._api = api
        self._exec_id = exec_id
        self._raw = raw  # keeps docker-py's response (and so the connection) alive
        self._sock: Any = getattr(raw, "_sock", raw)
        self._others: list[Any] = []

    def also_close(self, closable: Any) -> None:
        """Close CLOSABLE (the client of another engine) with this stream."""
        self._others.append(closable)

    def fileno(self) -> int:
        return int(self._sock.fileno())

    def read(self) -> bytes:
        try:
            return bytes(self._sock.recv(READ_SIZE))
        except OSError:
            return b""  # reset or closed: the shell is gone for this console

    def buffered(self) -> bool:
        pending = getattr(self._sock, "pending", None)
        return bool(pending()) if callable(pending) else False

    def write(self, data: bytes) -> None:
        self._sock.sendall(data)

    def resize(self, columns: int, rows: int) -> None:
        # the shell may have ended already: its next read says so
        with contextlib.suppress(Exception):
            self._api.exec_resize(self._exec_id, height=rows, width=columns)

    def exit_status(self) -> int | None:
        try:
            details = self._api.exec_inspect(self._exec_id)
        except Exception:
            return None  # the engine went away with the shell
        if details.get("Running"):
            return None
        code = details.get("ExitCode")
        return int(code) if code is not None else None

    def close(self) -> None:
        try:
            if isinstance(self._sock, socket.socket):
                self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        for closable in (self._sock, self._raw, *self._others):
            with contextlib.suppress(Exception):
                closable.close()
