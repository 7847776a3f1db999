"""Run the real Python dynamic-provider plugin and speak the engine's gRPC protocol to it.

This is exactly what the CLI's ``pulumi-resource-pulumi-python`` shim runs:
``python -u -m pulumi.dynamic <engine-address>``, in the program's directory, with
``PULUMI_PROJECT`` and ``PULUMI_CONFIG`` set. The provider prints its port on stdout and logs
(``pulumi.log``) on stderr; both are drained into buffers for the whole life of the process.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_bulknumbers.testing._fake_engine import EngineLog, FakeEngine
from pulumi_bulknumbers.testing._marshal import from_struct, secret, strip_secrets, to_struct
from pulumi_bulknumbers.testing._plugin import PluginChild, plugin_env
from pulumi_bulknumbers.testing.results import (
    CheckFailureInfo,
    CheckOutcome,
    CreateOutcome,
    DiffOutcome,
    ProviderError,
    ReadOutcome,
    RpcCall,
)

__all__ = ["ProviderProcess"]

_CHANGES = {0: "unknown", 1: "none", 2: "some"}


class ProviderProcess:
    """A running ``python -m pulumi.dynamic`` plugin, configured the way the engine does it.

    >>> with ProviderProcess(project="demo", config={"telnyx:baseUrl": url}) as proc:
    ...     checked = proc.check("urn:...:pool", {}, {"__provider": pickled, "count": 2})
    ...     created = proc.create("urn:...:pool", checked.inputs)
    """

    def __init__(
        self,
        *,
        project: str = "test",
        config: Mapping[str, str] | None = None,
        secret_keys: Sequence[str] = (),
        cwd: str | os.PathLike[str] | None = None,
        pythonpath: Sequence[str | os.PathLike[str]] = (),
        env: Mapping[str, str] | None = None,
        python: str = sys.executable,
        start_timeout: float = 30.0,
    ) -> None:
        self.project = project
        self.config = dict(config or {})
        self.calls: list[RpcCall] = []
        self._lock = threading.Lock()
        self._engine = FakeEngine()
        self._cwd = os.fspath(cwd) if cwd is not None else os.getcwd()
        self._child = PluginChild(
            [python, "-u", "-m", "pulumi.dynamic", self._engine.address],
            cwd=self._cwd,
            env=plugin_env(project, self.config, pythonpath, env or {}),
        )
        self._channel: Any = None
        try:
            port = self._child.wait_for_port(start_timeout)
            self._channel = grpc.insecure_channel(
                f"127.0.0.1:{port}", options=_GRPC_CHANNEL_OPTIONS
            )
            grpc.channel_ready_future(self._channel).result(timeout=start_timeout)
            self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
            self._open(secret_keys)
        except BaseException:
            self.close()
            raise

    def _open(self, secret_keys: Sequence[str]) -> None:
        # Engine order: Handshake (UNIMPLEMENTED here: legacy fallback), GetPluginInfo, Configure.
        handshake = provider_pb2.ProviderHandshakeRequest(
            engine_address=self._engine.address,
            root_directory=self._cwd,
            program_directory=self._cwd,
        )
        try:
            self._invoke("Handshake", handshake)
        except ProviderError as exc:
            if exc.code != grpc.StatusCode.UNIMPLEMENTED.name:
                raise
        self.plugin_version = self._invoke("GetPluginInfo", empty_pb2.Empty()).version
        args = {k: secret(v) if k in secret_keys else v for k, v in self.config.items()}
        request = provider_pb2.ConfigureRequest(
            variables=self.config,
            args=to_struct(args),
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
        )
        self.configure_response = self._invoke("Configure", request, frozenset(secret_keys))

    def _invoke(self, method: str, request: Any, secret_keys: frozenset[str] = frozenset()) -> Any:
        with self._lock:
            self.calls.append(RpcCall(method, request, secret_keys))
        try:
            return getattr(self._stub, method)(request)
        except grpc.RpcError as exc:
            code = exc.code()
            details = exc.details() or ""
            exit_code = self._child.poll()
            if exit_code is not None:
                details += f"\n(provider process exited with code {exit_code})"
            raise ProviderError(method, code.name if code else "UNKNOWN", details) from None

    def _resource_call(
        self,
        method: str,
        request_type: Any,
        urn: str,
        secret_keys: frozenset[str] = frozenset(),
        **fields: Any,
    ) -> Any:
        """Send a per-resource request, with the name and type the engine derives from ``urn``."""
        request = request_type(urn=urn, name=_name(urn), type=_type(urn), **fields)
        return self._invoke(method, request, secret_keys)

    # -- the engine's provider calls --------------------------------------------------------
    def check(self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckOutcome:
        """``Check``: ``olds`` are the previous inputs (``{}`` on create)."""
        olds_plain, _ = strip_secrets(olds)
        news_plain, keys = strip_secrets(news)
        response = self._resource_call(
            "Check",
            provider_pb2.CheckRequest,
            urn,
            keys,
            olds=to_struct(olds_plain),
            news=to_struct(news_plain),
        )
        failures = [CheckFailureInfo(f.property, f.reason) for f in response.failures]
        return CheckOutcome(from_struct(response.inputs), failures)

    def diff(
        self,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
        *,
        urn: str = "",
        ignore_changes: Sequence[str] = (),
    ) -> DiffOutcome:
        """``Diff``: ``olds`` are the previous OUTPUTS, ``news`` the checked inputs."""
        news_plain, keys = strip_secrets(news)
        response = self._resource_call(
            "Diff",
            provider_pb2.DiffRequest,
            urn,
            keys,
            id=id,
            olds=to_struct(olds),
            news=to_struct(news_plain),
            old_inputs=to_struct(old_inputs),
            ignoreChanges=list(ignore_changes),
        )
        return DiffOutcome(
            _CHANGES.get(response.changes, "unknown"),  # type: ignore[arg-type]
            list(response.replaces),
            bool(response.deleteBeforeReplace),
        )

    def create(self, urn: str, props: Mapping[str, Any], *, timeout: float = 0.0) -> CreateOutcome:
        """``Create`` with the checked inputs; returns the id and the outputs."""
        plain, keys = strip_secrets(props)
        response = self._resource_call(
            "Create",
            provider_pb2.CreateRequest,
            urn,
            keys,
            properties=to_struct(plain),
            timeout=timeout,
        )
        return CreateOutcome(response.id, from_struct(response.properties))

    def read(
        self,
        id: str,
        props: Mapping[str, Any],
        inputs: Mapping[str, Any] | None = None,
        *,
        urn: str = "",
    ) -> ReadOutcome:
        """``Read``: ``props`` are the old outputs, ``inputs`` the old inputs."""
        plain, keys = strip_secrets(props)
        response = self._resource_call(
            "Read",
            provider_pb2.ReadRequest,
            urn,
            keys,
            id=id,
            properties=to_struct(plain),
            inputs=to_struct(strip_secrets(inputs or {})[0]),
        )
        returned = from_struct(response.inputs) if response.HasField("inputs") else None
        return ReadOutcome(response.id, from_struct(response.properties), returned or None)

    def update(
        self,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
        *,
        urn: str = "",
        timeout: float = 0.0,
    ) -> dict[str, Any]:
        """``Update``: ``olds`` are the previous OUTPUTS; returns the new outputs."""
        news_plain, keys = strip_secrets(news)
        response = self._resource_call(
            "Update",
            provider_pb2.UpdateRequest,
            urn,
            keys,
            id=id,
            olds=to_struct(olds),
            news=to_struct(news_plain),
            old_inputs=to_struct(old_inputs),
            timeout=timeout,
        )
        return from_struct(response.properties)

    def delete(
        self,
        id: str,
        props: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
        *,
        urn: str = "",
        timeout: float = 0.0,
    ) -> None:
        """``Delete`` with the stored outputs."""
        self._resource_call(
            "Delete",
            provider_pb2.DeleteRequest,
            urn,
            id=id,
            properties=to_struct(props),
            old_inputs=to_struct(old_inputs),
            timeout=timeout,
        )

    def cancel(self) -> None:
        """``Cancel`` (a no-op in the Python servicer)."""
        self._invoke("Cancel", empty_pb2.Empty())

    # -- observation and teardown -----------------------------------------------------------
    def call_count(self, method: str) -> int:
        """How many times ``method`` (e.g. ``"Create"``) was called."""
        with self._lock:
            return sum(1 for c in self.calls if c.method == method)

    @property
    def methods(self) -> list[str]:
        """The names of every call made, in order."""
        with self._lock:
            return [c.method for c in self.calls]

    @property
    def logs(self) -> list[str]:
        """The provider's stderr lines (where ``pulumi.log`` writes without an engine)."""
        return self._child.stderr

    @property
    def engine_logs(self) -> list[EngineLog]:
        """``Log`` calls the provider made to the fake engine (normally none)."""
        return self._engine.logs

    def stderr_text(self) -> str:
        """The provider's stderr so far, as one string."""
        return "\n".join(self._child.stderr)

    def stdout_text(self) -> str:
        """What the provider printed on stdout after the port line."""
        return "\n".join(self._child.stdout)

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._child.pid

    @property
    def returncode(self) -> int | None:
        """The exit code, or None while it runs."""
        return self._child.poll()

    def kill(self) -> None:
        """SIGKILL the provider, as a crash would; later calls raise ``ProviderError``."""
        self._child.kill()

    def close(self) -> None:
        """Stop the provider, the channel and the fake engine; idempotent."""
        # Stopping the child first: closing a still-connected channel blocks for ~0.2 s.
        self._child.close()
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        self._engine.stop()

    def __enter__(self) -> ProviderProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1] if "::" in urn else ""


def _type(urn: str) -> str:
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""
