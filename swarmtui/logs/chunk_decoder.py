"""HTTP/1.1 chunked transfer coding, decoded incrementally (RFC 9112 section 7.1)."""

from __future__ import annotations

MAX_SIZE_LINE = 4096


class ChunkDecoder:
    """Feed it the bytes of a chunked body as they arrive; it returns the payload bytes.

    Reading the connection's buffered file in big blocks and decoding here costs one call per
    block instead of several per chunk through urllib3 and http.client: the engine sends one
    chunk per log line, and a flood is tens of thousands of lines a second.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._left = 0  # payload bytes still to come in the current chunk
        self._state = "size"  # size | data | crlf | trailer | done

    @property
    def done(self) -> bool:
        """The last (empty) chunk and the trailer have been read."""
        return self._state == "done"

    def feed(self, data: bytes) -> bytes:
        buffer = self._buffer
        buffer += data
        out = bytearray()
        position = 0
        while self._state != "done":
            if self._state == "size":
                position = self._whole_chunks(buffer, out, position)
            if self._state == "data":
                take = min(self._left, len(buffer) - position)
                if take == 0:
                    break
                out += buffer[position : position + take]
                position += take
                self._left -= take
                if self._left == 0:
                    self._state = "crlf"
                continue
            if self._state == "crlf":
                if len(buffer) - position < 2:
                    break
                if buffer[position : position + 2] != b"\r\n":
                    raise ValueError("chunk data not followed by CRLF")
                position += 2
                self._state = "size"
                continue
            end = buffer.find(b"\r\n", position)
            if end < 0:
                if len(buffer) - position > MAX_SIZE_LINE:
                    raise ValueError("chunk size line too long")
                break
            line = bytes(buffer[position:end])
            position = end + 2
            if self._state == "trailer":
                if not line:
                    self._state = "done"
                continue
            size = int(line.split(b";", 1)[0].strip(), 16)
            if size:
                self._left, self._state = size, "data"
            else:
                self._state = "trailer"
        del buffer[:position]
        return bytes(out)

    @staticmethod
    def _whole_chunks(buffer: bytearray, out: bytearray, position: int) -> int:
        """The common case in one tight loop: complete chunks without extensions; returns
        where the first chunk it leaves to the general loop starts."""
        available, find = len(buffer), buffer.find
        while True:
            end = find(b"\r\n", position, position + 18)
            if end <= position:
                return position
            try:
                size = int(buffer[position:end], 16)
            except ValueError:  # an extension, or bad: the general loop tells which
                return position
            start = end + 2
            stop = start + size
            if size == 0 or stop + 2 > available or buffer[stop : stop + 2] != b"\r\n":
                return position
            out += buffer[start:stop]
            position = stop + 2
