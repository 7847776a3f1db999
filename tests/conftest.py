"""Shared fixtures: a fresh sandbox per test on a fake clock, and the same over loopback.

Every answer the sandbox gives during a test is checked against the OpenAPI spec at teardown.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_bulknumbers.sandbox import FakeClock, Sandbox, SandboxServer, serve
from tests.openapi_contract import assert_calls_match_spec


@pytest.fixture(name="fake_clock")
def _fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(name="sandbox")
def _sandbox(fake_clock: FakeClock) -> Iterator[Sandbox]:
    with Sandbox(clock=fake_clock.now, sleep=fake_clock.sleep) as sb:
        yield sb
        assert not sb.internal_errors, sb.internal_errors
        assert_calls_match_spec(sb.calls)


@pytest.fixture(name="sandbox_server")
def _sandbox_server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    with serve(sandbox) as server:
        yield server
