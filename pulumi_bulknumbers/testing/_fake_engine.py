"""A loopback Engine gRPC service that accepts and records whatever a provider sends it.

The real CLI passes its engine address as the provider plugin's argument. The Python dynamic
provider ignores it, but a provider could still dial it, so something must answer there.
"""

from __future__ import annotations

import threading
from concurrent import futures
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

__all__ = ["EngineLog", "FakeEngine"]

_SEVERITY = {
    engine_pb2.DEBUG: "debug",
    engine_pb2.INFO: "info",
    engine_pb2.WARNING: "warning",
    engine_pb2.ERROR: "error",
}


@dataclass(frozen=True)
class EngineLog:
    """One ``Engine.Log`` request: severity name, message and the resource URN (may be empty)."""

    severity: str
    message: str
    urn: str


class _EngineServicer(engine_pb2_grpc.EngineServicer):
    def __init__(self, sink: FakeEngine) -> None:
        self._sink = sink
        self._root_urn = ""

    def Log(self, request: Any, context: Any) -> Any:
        severity = _SEVERITY.get(request.severity, str(request.severity))
        self._sink._record(EngineLog(severity, request.message, request.urn))
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> Any:
        return engine_pb2.GetRootResourceResponse(urn=self._root_urn)

    def SetRootResource(self, request: Any, context: Any) -> Any:
        self._root_urn = request.urn
        return engine_pb2.SetRootResourceResponse()

    def StartDebugging(self, request: Any, context: Any) -> Any:
        return empty_pb2.Empty()

    def RequirePulumiVersion(self, request: Any, context: Any) -> Any:
        return engine_pb2.RequirePulumiVersionResponse()


class FakeEngine:
    """The Engine service on ``127.0.0.1:<port>``; ``address`` is what the plugin is given."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._logs: list[EngineLog] = []
        self._executor = futures.ThreadPoolExecutor(max_workers=2)
        self._server = grpc.server(self._executor)
        engine_pb2_grpc.add_EngineServicer_to_server(_EngineServicer(self), self._server)
        port = self._server.add_insecure_port("127.0.0.1:0")
        self._server.start()
        self.address = f"127.0.0.1:{port}"

    def _record(self, entry: EngineLog) -> None:
        with self._lock:
            self._logs.append(entry)

    @property
    def logs(self) -> list[EngineLog]:
        """Every ``Log`` call received so far."""
        with self._lock:
            return list(self._logs)

    def stop(self) -> None:
        """Stop the server and its worker threads."""
        self._server.stop(grace=None).wait()
        self._executor.shutdown(wait=True)
