"""Close a streaming HTTP response from another thread, on unix, tcp and ssh transports.

docker-py's generators cannot be closed from another thread and `CancellableStream.close()`
raises over ssh://. Shutting the underlying socket (or closing the paramiko channel) wakes a
reader blocked in recv on every transport.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any


def underlying_socket(response: Any) -> Any:
    """The socket or paramiko channel under a requests/urllib3 streaming response."""
    fp = getattr(getattr(response, "raw", None), "_fp", None)  # http.client.HTTPResponse
    sock_fp: Any = getattr(fp, "fp", None)
    if sock_fp is None:
        return None
    channel = getattr(sock_fp, "channel", None)
    if channel is not None:  # ssh:// (paramiko ChannelFile)
        return channel
    raw = getattr(sock_fp, "raw", None)  # BufferedReader over socket.SocketIO
    sock = getattr(raw, "sock", None) or getattr(raw, "_sock", None)
    return sock if sock is not None else getattr(sock_fp, "_sock", None)


def close_streaming_response(response: Any) -> None:
    sock = underlying_socket(response)
    if sock is not None:
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):
            sock.close()
    with contextlib.suppress(Exception):
        response.close()
