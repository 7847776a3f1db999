"""Fixtures for provider tests: a sandbox on loopback and an engine stand-in pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.sandbox import Sandbox, SandboxServer, serve
from pulumi_bulknumbers.testing import MiniEngine
from tests.openapi_contract import assert_calls_match_spec

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "KEYsecret0123456789abcdef"
"""The key the provider is configured with; tests search for it where it must never appear."""


@pytest.fixture(name="live_sandbox")
def _live_sandbox() -> Iterator[Sandbox]:
    """A sandbox on the real clock: the provider process polls it over loopback."""
    with Sandbox(api_key=API_KEY) as sb:
        yield sb
        assert not sb.internal_errors, sb.internal_errors
        assert_calls_match_spec(sb.calls)


@pytest.fixture(name="server")
def _server(live_sandbox: Sandbox) -> Iterator[SandboxServer]:
    with serve(live_sandbox) as server:
        yield server


@pytest.fixture(name="engine")
def _engine(server: SandboxServer) -> MiniEngine:
    """An engine whose stack config points the provider at the sandbox, key as a secret."""
    return MiniEngine(
        project="lifecycle",
        config={"telnyx:baseUrl": server.base_url, "telnyx:apiKey": API_KEY},
        secret_keys=["telnyx:apiKey"],
        pythonpath=[str(ROOT)],
    )


@pytest.fixture(name="telnyx")
def _telnyx(live_sandbox: Sandbox) -> Iterator[BulkNumbersClient]:
    """A client on the same sandbox, for looking behind Pulumi's back."""
    with BulkNumbersClient(API_KEY, transport=live_sandbox.transport()) as client:
        yield client


class Stack:
    """A sandbox served on loopback, an engine pointed at it, and a client to look behind."""

    def __init__(self, **sandbox_options: object) -> None:
        self.sandbox = Sandbox(api_key=API_KEY, **sandbox_options)  # type: ignore[arg-type]
        self.server = serve(self.sandbox)
        self.config = {"telnyx:baseUrl": self.server.base_url, "telnyx:apiKey": API_KEY}
        self.engine = MiniEngine(
            project="outcomes",
            config=self.config,
            secret_keys=["telnyx:apiKey"],
            pythonpath=[str(ROOT)],
        )
        self.telnyx = BulkNumbersClient(API_KEY, transport=self.sandbox.transport())

    def bulk_order_posts(self) -> int:
        """How many bulk orders were POSTed (and answered)."""
        return sum(
            1
            for c in self.sandbox.calls
            if c.method == "POST" and c.path.endswith("/inexplicit_number_orders")
        )

    def close(self) -> None:
        self.telnyx.close()
        self.server.close()
        assert not self.sandbox.internal_errors, self.sandbox.internal_errors
        assert_calls_match_spec(self.sandbox.calls)
        self.sandbox.close()


@pytest.fixture(name="make_stack")
def _make_stack() -> Iterator[Callable[..., Stack]]:
    stacks: list[Stack] = []

    def make(**sandbox_options: object) -> Stack:
        stacks.append(Stack(**sandbox_options))
        return stacks[-1]

    yield make
    for stack in stacks:
        stack.close()
