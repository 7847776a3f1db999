"""Fixtures for the client tests: clients over scripted transports (on the shared fake clock)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.sandbox import FakeClock
from pulumi_bulknumbers.transport import RetryPolicy
from tests.client.helpers import API_KEY, Outcome, Script

MakeScripted = Callable[..., tuple[BulkNumbersClient, Script]]


@pytest.fixture(name="scripted")
def _scripted(fake_clock: FakeClock) -> Iterator[Callable[..., tuple[BulkNumbersClient, Script]]]:
    """Make a client over a `Script` of outcomes; fast retries on a fake clock.

    Pages are fetched one at a time: a script answers in order, and concurrent page requests
    would take its answers in any order (`test_pagination.py` tests concurrency).
    """
    clients: list[BulkNumbersClient] = []

    def make(
        *outcomes: Outcome, policy: RetryPolicy | None = None
    ) -> tuple[BulkNumbersClient, Script]:
        script = Script(*outcomes)
        client = BulkNumbersClient(
            API_KEY,
            transport=httpx.MockTransport(script),
            retry=policy or RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=4.0),
            sleep=fake_clock.sleep,
            clock=fake_clock.now,
            page_workers=1,
        )
        clients.append(client)
        return client, script

    yield make
    for client in clients:
        client.close()
