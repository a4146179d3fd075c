"""The first look's HTTP/1.1 answers, read to the connection's end (no Docker: the bytes an
engine sends, as Go's net/http frames them)."""

from __future__ import annotations

import pytest

from swarmtui.adapters.docker.first_look import FirstLookFailed, http_body

HEAD = b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n"


def test_a_sized_answer_is_its_length() -> None:
    assert http_body(HEAD + b"Content-Length: 7\r\n\r\n[1,2,3]", "/nodes") == b"[1,2,3]"


def test_a_chunked_answer_is_joined() -> None:
    body = b"4\r\n[1,2\r\nA;ext=1\r\n,3,4,5,6,7\r\n1\r\n]\r\n0\r\n\r\n"
    answer = HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + body
    assert http_body(answer, "/tasks") == b"[1,2,3,4,5,6,7]"


def test_an_unframed_answer_runs_to_the_end() -> None:
    assert http_body(HEAD + b"\r\n{}", "/info") == b"{}"


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n{}",  # not a manager
        b"HTTP/1.1 404 Not Found\r\n\r\n",
        HEAD + b"Content-Length: 9\r\n\r\n[1,2]",  # cut short
        HEAD + b"Transfer-Encoding: chunked\r\n\r\n9\r\n[1,2]",
        HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2",  # no end of the head
        b"",
    ],
)
def test_anything_else_fails_the_first_look(answer: bytes) -> None:
    with pytest.raises(FirstLookFailed):
        http_body(answer, "/nodes")
