"""Split the engine's log stream into payloads: 8-byte multiplexed frames, or raw lines (TTY)."""

from __future__ import annotations

from swarmtui.logs.log_line import StreamName
from swarmtui.logs.log_parser import STREAMS

HEADER = 8
Frame = tuple[StreamName, bytes]


class FrameDecoder:
    """Feed it bytes as they arrive (any split); it returns the complete frames so far.

    A non-TTY task's stream is multiplexed: byte 0 is the stream (1 stdout, 2 stderr,
    3 engine error), bytes 4-7 the payload size (big-endian). A TTY task's stream is plain
    text: the first bytes tell which one this is.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.raw: bool | None = None  # None until the first bytes decide

    def feed(self, data: bytes) -> list[Frame]:
        self._buffer += data
        if self.raw is None:
            if len(self._buffer) < HEADER:
                return []
            head = self._buffer
            self.raw = not (head[0] in STREAMS and head[1:4] == b"\0\0\0")
        return self._raw_lines() if self.raw else self._frames()

    def _frames(self) -> list[Frame]:
        buffer = self._buffer
        frames: list[Frame] = []
        position = 0
        available = len(buffer)
        while available - position >= HEADER:
            size = int.from_bytes(buffer[position + 4 : position + 8], "big")
            end = position + HEADER + size
            if end > available:
                break
            frames.append(
                (STREAMS.get(buffer[position], "stdout"), bytes(buffer[position + 8 : end]))
            )
            position = end
        if position:
            del buffer[:position]
        return frames

    def _raw_lines(self) -> list[Frame]:
        buffer = self._buffer
        end = buffer.rfind(b"\n")
        if end < 0:
            return []
        chunk = bytes(buffer[: end + 1])
        del buffer[: end + 1]
        return [("stdout", line) for line in chunk.splitlines()]

    def flush(self) -> list[Frame]:
        """What is left at the end of the stream: a last unterminated raw line."""
        rest = bytes(self._buffer)
        self._buffer.clear()
        if rest and self.raw is not False:
            return [("stdout", rest)]
        return []
