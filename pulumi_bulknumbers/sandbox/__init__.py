"""A Telnyx look-alike for the numbers API: in-process (an httpx transport) or on loopback.

    from pulumi_bulknumbers.sandbox import Sandbox, serve

    with Sandbox() as sb:                                   # state in memory
        client = httpx.Client(transport=sb.transport(), base_url="https://api.telnyx.com/v2",
                              headers={"Authorization": "Bearer any-key"})
        with serve(sb) as server:                           # the same sandbox over HTTP
            print(server.base_url)                          # http://127.0.0.1:PORT/v2

State lives in SQLite (``Sandbox("path.sqlite3")`` survives restarts and may be shared by
processes); orders and jobs progress lazily with the injected clock; see ``Sandbox`` for the
knobs (processing time, latency, rate limit, faults: ``faults`` lists every kind) and
``FakeClock`` for simulated time.
"""

from __future__ import annotations

from pulumi_bulknumbers.sandbox.apierror import ApiError, ErrorItem
from pulumi_bulknumbers.sandbox.app import Call, Sandbox
from pulumi_bulknumbers.sandbox.clock import FakeClock
from pulumi_bulknumbers.sandbox.faults import Fault, FaultKind
from pulumi_bulknumbers.sandbox.server import SandboxServer, serve

__all__ = [
    "ApiError",
    "Call",
    "ErrorItem",
    "FakeClock",
    "Fault",
    "FaultKind",
    "Sandbox",
    "SandboxServer",
    "serve",
]
