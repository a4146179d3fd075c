"""A service's or task's log stream from the engine, as LogLines; closable from any thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import docker
from urllib3.exceptions import ReadTimeoutError

from swarmtui.adapters.docker.engine_http import engine_url, get, raise_for_status
from swarmtui.adapters.docker.errors import classify
from swarmtui.adapters.docker.stream_close import close_streaming_response, underlying_socket
from swarmtui.logs.chunk_decoder import ChunkDecoder
from swarmtui.logs.frame_decoder import HEADER, FrameDecoder
from swarmtui.logs.log_line import LogLine
from swarmtui.logs.log_parser import STREAMS, parse_payloads, since_param
from swarmtui.logs.log_target import LogKind

CONNECT_TIMEOUT = 10.0
READ_SIZE = 65536
PATHS = {"service": "/services/{0}/logs", "task": "/tasks/{0}/logs"}


class LogStream:
    """`GET /services/{id}/logs` or `/tasks/{id}/logs` with both streams, timestamps, details.

    Iterating yields LogLines until the engine ends the stream, `close()` is called (from any
    thread), or nothing came for IDLE_TIMEOUT seconds: then `idle` is True.
    """

    def __init__(
        self,
        api: docker.APIClient,
        kind: LogKind,
        object_id: str,
        *,
        tail: int | None,
        since_ns: int | None,
        follow: bool,
        idle_timeout: float | None,
        endpoint: str = "",
    ) -> None:
        params: dict[str, Any] = {
            "stdout": 1,
            "stderr": 1,
            "timestamps": 1,
            "details": 1,
            "follow": int(follow),
            "tail": "all" if tail is None else str(tail),
        }
        if since_ns is not None:
            params["since"] = since_param(max(0, since_ns))
        self._endpoint = endpoint
        self._closed = threading.Event()
        self.idle = False
        self.kind = kind
        self.object_id = object_id
        try:
            self._response = get(
                api,
                engine_url(api, PATHS[kind], object_id),
                params=params,
                stream=True,
                timeout=(CONNECT_TIMEOUT, idle_timeout),
            )
            raise_for_status(self._response)
        except Exception as exc:
            raise classify(exc, endpoint) from exc

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    @property
    def transport(self) -> Any:
        """The socket or paramiko channel under the stream (tests check it gets closed)."""
        return underlying_socket(self._response)

    def __iter__(self) -> Iterator[LogLine]:
        for batch in self.batches():
            yield from batch

    def batches(self) -> Iterator[list[LogLine]]:
        """The lines as they arrive, a list per read: a flood costs one call per block."""
        decoder = FrameDecoder()
        try:
            for data in self._blocks():
                if frames := decoder.feed(data):
                    yield parse_payloads(frames)
                if self._closed.is_set():
                    return
            if frames := decoder.flush():
                yield parse_payloads(frames)
        except (ReadTimeoutError, TimeoutError):
            if not self._closed.is_set():
                self.idle = True
        except Exception as exc:
            if not self._closed.is_set():
                raise classify(exc, self._endpoint) from exc
        finally:
            self.close()

    def _blocks(self) -> Iterator[bytes]:
        """The body as it arrives (urllib3 has removed the chunked encoding)."""
        raw = self._response.raw
        http_response = getattr(raw, "_fp", None)  # http.client.HTTPResponse
        fp = getattr(http_response, "fp", None)  # the connection's buffered file
        if fp is not None and hasattr(fp, "read1"):  # unix, tcp
            untouched = getattr(http_response, "chunk_left", 0) is None
            if getattr(http_response, "chunked", False) and untouched:
                # Whatever has arrived in one read, decoded here: see ChunkDecoder.
                chunks = ChunkDecoder()
                while not chunks.done and (data := fp.read1(READ_SIZE)):
                    if body := chunks.feed(data):
                        yield body
                return
            while data := raw.read1(READ_SIZE):
                yield data
            return
        # ssh: paramiko's channel file has no read1; read whole frames, whose sizes we know.
        head = raw.read(HEADER)
        multiplexed = len(head) == HEADER and head[0] in STREAMS and head[1:4] == b"\0\0\0"
        while head:
            yield head
            if not multiplexed:  # a TTY's plain text: no sizes to go by
                head = raw.read(1)
                continue
            size = int.from_bytes(head[4:8], "big")
            if size:
                payload = raw.read(size)
                if not payload:
                    return
                yield payload
            head = raw.read(HEADER)

    def close(self) -> None:
        self._closed.set()
        close_streaming_response(self._response)
