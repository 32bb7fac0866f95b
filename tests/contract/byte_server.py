"""A loopback HTTP/1.1 server that answers each request with scripted raw bytes.

``httpx.MockTransport`` hands the client a finished ``httpx.Response``, so it cannot show what the
client does when the socket itself misbehaves: a body cut short of its ``Content-Length``, a chunk
that never ends, a connection reset mid-answer. This server writes exactly the bytes a test gives
it, then keeps the connection, closes it, or resets it (``SO_LINGER`` 0), per request.

It is bounded so that a client bug can fail a test but never hang the suite: every socket read
times out after a few seconds, at most ``max_connections`` connections are served, and leaving the
``with`` block closes everything and joins the threads.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Literal, Self

import attrs

__all__ = ["ByteServer", "Received", "Reply", "answer", "chunked", "cut_after_body_bytes"]

Then = Literal["keep", "close", "reset"]
Headers = Mapping[str, str] | Sequence[tuple[str, str]]

_HEAD_END = b"\r\n\r\n"
_MAX_HEAD = 64 * 1024


@attrs.frozen
class Reply:
    """The bytes written for one request, then what happens to the connection: ``keep`` it for the
    next request, ``close`` it (FIN), or ``reset`` it (RST, as a crashed peer or a middlebox does)."""

    data: bytes
    then: Then = "keep"


@attrs.frozen
class Received:
    """One request as it arrived: method, the raw request target (path and query), headers, body."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def _head(status: int, headers: Headers) -> bytes:
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    lines = [f"HTTP/1.1 {status} Scripted"] + [f"{name}: {value}" for name, value in pairs]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(status: int, body: bytes = b"", headers: Headers = ()) -> bytes:
    """A complete response; ``Content-Length`` is added unless ``headers`` set one (even a wrong one)."""
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    if not any(name.lower() in ("content-length", "transfer-encoding") for name, _ in pairs):
        pairs.append(("Content-Length", str(len(body))))
    return _head(status, pairs) + body


def chunked(status: int, body: bytes, headers: Headers = (), *, size: int = 100) -> bytes:
    """A complete ``Transfer-Encoding: chunked`` response, ``size`` bytes a chunk."""
    pairs = [*(headers.items() if isinstance(headers, Mapping) else headers), ("Transfer-Encoding", "chunked")]
    chunks = b"".join(
        b"%x\r\n%b\r\n" % (len(body[i : i + size]), body[i : i + size]) for i in range(0, len(body), size)
    )
    return _head(status, pairs) + chunks + b"0\r\n\r\n"


def cut_after_body_bytes(message: bytes, count: int) -> bytes:
    """``message`` up to and including the first ``count`` bytes after its head (chunk framing counts)."""
    return message[: message.index(_HEAD_END) + len(_HEAD_END) + count]


class _Closed(Exception):
    """The peer closed the connection, or went quiet, before a whole request arrived."""


class _Reader:
    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._buffer = b""

    def _fill(self) -> None:
        try:
            data = self._connection.recv(65536)
        except OSError as error:  # a timeout, or the server stopping under us
            raise _Closed from error
        if not data:
            raise _Closed
        self._buffer += data

    def request(self) -> Received:
        while _HEAD_END not in self._buffer:
            if len(self._buffer) > _MAX_HEAD:
                raise _Closed
            self._fill()
        head, self._buffer = self._buffer.split(_HEAD_END, 1)
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        headers = tuple((name.strip(), value.strip()) for name, value in (line.split(":", 1) for line in lines))
        length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
        while len(self._buffer) < length:
            self._fill()
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        return Received(method, target, headers, body)


class ByteServer:
    """Serves ``replies[i]`` to the i-th request (0-based, across connections; the last one repeats).

    ``received`` lists the requests in arrival order; ``connections`` counts accepted connections.
    """

    def __init__(self, *replies: Reply, timeout: float = 3.0, max_connections: int = 16) -> None:
        if not replies:
            raise ValueError("script at least one reply")
        self.replies = list(replies)
        self.received: list[Received] = []
        self.connections = 0
        self._timeout = timeout
        self._max_connections = max_connections
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)  # the accept loop checks for stop this often
        self.port: int = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._acceptor = threading.Thread(target=self._accept, name=f"byte-server-{self.port}", daemon=True)

    def __enter__(self) -> Self:
        self._acceptor.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        self._stopping.set()
        # On Linux this wakes the blocked accept() at once; elsewhere the accept timeout does.
        _quietly_shutdown(self._listener)
        if self._acceptor.is_alive():
            self._acceptor.join(self._timeout)
        with self._lock:
            for connection in self._open:
                # Wakes a handler blocked in recv; the handler closes its own socket.
                _quietly_shutdown(connection)
        for thread in self._threads:
            thread.join(self._timeout)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                if self.connections >= self._max_connections:
                    connection.close()
                    continue
                self.connections += 1
                self._open.add(connection)
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _next_reply(self, request: Received) -> Reply:
        with self._lock:
            index = len(self.received)
            self.received.append(request)
            return self.replies[min(index, len(self.replies) - 1)]

    def _serve(self, connection: socket.socket) -> None:
        connection.settimeout(self._timeout)
        reader = _Reader(connection)
        then: Then = "close"
        try:
            while not self._stopping.is_set():
                reply = self._next_reply(reader.request())
                connection.sendall(reply.data)
                if reply.then != "keep":
                    then = reply.then
                    break
        except (_Closed, OSError, ValueError):  # gone, timed out, or not HTTP: this connection is over
            pass
        finally:
            with self._lock:
                self._open.discard(connection)
            if then == "reset":
                # Linger on, timeout 0: close() sends RST and drops unsent data, as a crashed peer would.
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                _quietly_shutdown(connection)
            connection.close()


def _quietly_shutdown(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the peer
        connection.shutdown(socket.SHUT_RDWR)
