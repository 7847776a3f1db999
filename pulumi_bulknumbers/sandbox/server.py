"""A loopback HTTP server in a thread, forwarding every request to a ``Sandbox``.

``SandboxServer.restart()`` stops it mid-run (requests in flight are answered, open
connections dropped), reopens the sandbox on its database file and serves again on the same
port: what a client sees when Telnyx restarts under it.

>>> with Sandbox() as sb, serve(sb) as server:   # doctest: +SKIP
...     httpx.get(server.base_url + "/phone_numbers", headers={"Authorization": "Bearer k"})
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from pulumi_bulknumbers.sandbox.app import API_PREFIX, Sandbox

__all__ = ["SandboxServer", "serve"]

# How long a stop waits for requests in flight before dropping their connections anyway.
_DRAIN_SECONDS = 30.0


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, Nagle + delayed ACK stall each.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, open_=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, open_=False)

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        content = self.rfile.read(length) if length else b""
        host, port = self.server.host, self.server.server_address[1]
        request = httpx.Request(
            self.command,
            f"http://{host}:{port}{self.path}",
            headers=[(k, v) for k, v in self.headers.items() if k.lower() != "host"],
            content=content,
        )
        if not self.server.enter():
            # Stopping: drop the request unanswered, as a server going down would.
            self.close_connection = True
            return
        try:
            self._answer(request)
        finally:
            self.server.leave()

    def _answer(self, request: httpx.Request) -> None:
        try:
            response = self.server.sandbox.handle(request)
        except httpx.TransportError:
            # A cut: drop the connection without a single byte of answer.
            self.close_connection = True
            return
        body = response.content
        self.send_response(response.status_code)
        for key, value in response.headers.items():
            if key.lower() not in ("content-length", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = do_OPTIONS = _forward

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the sandbox records its calls itself."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Answer promptly to many short-lived test clients.
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        super().__init__(address, _Handler)
        self.sandbox = sandbox
        host = self.server_address[0]
        self.host: str = host.decode() if isinstance(host, bytes | bytearray) else host
        self._state = threading.Condition()
        self._busy = 0
        self._stopping = False
        self._connections: set[socket.socket] = set()

    def track(self, connection: socket.socket, *, open_: bool) -> None:
        """Remember an open connection (to drop it on stop), or forget a closed one."""
        with self._state:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def enter(self) -> bool:
        """Count a request in; False once stopping (the request must be dropped)."""
        with self._state:
            if self._stopping:
                return False
            self._busy += 1
            return True

    def leave(self) -> None:
        """Count a request out."""
        with self._state:
            self._busy -= 1
            self._state.notify_all()

    def drain(self) -> None:
        """Refuse new requests, wait for those in flight, then drop every connection (idle
        keep-alive ones included) so that no handler touches the sandbox afterwards."""
        with self._state:
            self._stopping = True
            self._state.wait_for(lambda: self._busy == 0, _DRAIN_SECONDS)
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


class SandboxServer:
    """A running loopback server; ``base_url`` ends in ``/v2``. Close it (or use ``with``)."""

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = sandbox
        self._start(host, port)

    def _start(self, host: str, port: int) -> None:
        self._server = _Server((host, port), self.sandbox)
        self.host, self.port = self._server.host, self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/v2``."""
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    def restart(self, downtime: float = 0.0) -> str:
        """Restart mid-run: stop serving (requests in flight finish, open connections drop),
        restart the sandbox on its database file (``Sandbox.restart``), stay down ``downtime``
        seconds (through the sandbox's sleep), then serve again on the same port, or on a new
        one if it is taken. Returns the base URL, which changes only with the port."""
        self._stop()
        try:
            self.sandbox.restart()
            if downtime > 0:
                self.sandbox.sleep(downtime)
        finally:
            # Serve again even when the sandbox refused to restart (it stays as it was).
            try:
                self._start(self.host, self.port)
            except OSError:
                self._start(self.host, 0)
        return self.base_url

    def _stop(self) -> None:
        self._server.shutdown()
        self._server.drain()
        self._server.server_close()
        self._thread.join()

    def close(self) -> None:
        """Stop serving, drop open connections and release the socket (the sandbox itself
        stays open)."""
        self._stop()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
    """Serve ``sandbox`` on ``host:port`` (0: any free port) from a background thread."""
    return SandboxServer(sandbox, host, port)
