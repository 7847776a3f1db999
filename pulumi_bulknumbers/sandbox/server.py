"""A loopback HTTP server in a thread, forwarding every request to a ``Sandbox``.

>>> with Sandbox() as sb, serve(sb) as server:   # doctest: +SKIP
...     httpx.get(server.base_url + "/phone_numbers", headers={"Authorization": "Bearer k"})
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from pulumi_bulknumbers.sandbox.app import API_PREFIX, Sandbox

__all__ = ["SandboxServer", "serve"]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, Nagle + delayed ACK stall each.
    disable_nagle_algorithm = True

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
        self.host = host.decode() if isinstance(host, bytes) else host


class SandboxServer:
    """A running loopback server; ``base_url`` ends in ``/v2``. Close it (or use ``with``)."""

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = sandbox
        self._server = _Server((host, port), sandbox)
        self.host, self.port = self._server.host, self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/v2``."""
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    def close(self) -> None:
        """Stop serving and release the socket (the sandbox itself stays open)."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
    """Serve ``sandbox`` on ``host:port`` (0: any free port) from a background thread."""
    return SandboxServer(sandbox, host, port)
