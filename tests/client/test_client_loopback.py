"""The client over real HTTP: the sandbox served on loopback, and a port nobody listens on."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.errors import NotFoundError, TransportError
from pulumi_bulknumbers.models import BulkOrderRequest, OrderingGroupRequest
from pulumi_bulknumbers.sandbox import FakeClock, Sandbox, SandboxServer
from tests.client.helpers import API_KEY

REQUEST = BulkOrderRequest(
    ordering_groups=[
        OrderingGroupRequest(country_iso="US", phone_number_type="local", count_requested=2)
    ],
    customer_reference="loopback",
)


@pytest.fixture(name="client")
def _client(sandbox_server: SandboxServer, fake_clock: FakeClock) -> Iterator[BulkNumbersClient]:
    """A client speaking HTTP to the shared sandbox on 127.0.0.1."""
    with BulkNumbersClient(
        API_KEY,
        base_url=sandbox_server.base_url,
        timeout=10,
        sleep=fake_clock.sleep,
        clock=fake_clock.now,
    ) as client:
        yield client


class TestOverHTTP:
    def test_order_lifecycle(self, client: BulkNumbersClient) -> None:
        """Create, complete, list numbers, update and release one, all over a socket."""
        created = client.create_bulk_order(REQUEST)
        done = client.get_bulk_order(created.id)
        assert (done.status, done.count_allocated) == ("success", 2)
        numbers = list(client.iter_phone_numbers(customer_reference="loopback", page_size=1))
        assert len(numbers) == 2
        updated = client.update_phone_number(numbers[0].id, tags=["over-http"])
        assert updated.tags == ["over-http"]
        assert client.delete_phone_number(numbers[0].id).status == "deleted"

    def test_errors_arrive_in_the_tree(self, client: BulkNumbersClient) -> None:
        """A 404 over HTTP is the same NotFoundError as in-process."""
        with pytest.raises(NotFoundError) as info:
            client.get_number_order("00000000-0000-4000-8000-000000000000")
        assert info.value.path == "/v2/number_orders/00000000-0000-4000-8000-000000000000"

    def test_a_cut_connection_after_a_create_is_not_resent(
        self, client: BulkNumbersClient, sandbox: Sandbox
    ) -> None:
        """A real dropped connection after the POST was processed raises once, unretried."""
        sandbox.inject_fault("cut_after", method="POST", path="/inexplicit_number_orders")
        with pytest.raises(TransportError) as info:
            client.create_bulk_order(REQUEST)
        assert info.value.request_sent is True
        assert [c.method for c in sandbox.calls] == ["POST"]

    def test_the_key_stays_out_of_debug_logs(
        self, client: BulkNumbersClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Even httpx and httpcore debug logging over a real socket never shows the key."""
        with caplog.at_level(logging.DEBUG):
            client.list_bulk_orders()
            with pytest.raises(NotFoundError):
                client.get_job("00000000-0000-4000-8000-000000000000")
        assert caplog.records
        assert API_KEY not in caplog.text


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class TestNobodyListening:
    def test_connection_refused_is_retried_then_says_nothing_was_sent(
        self, fake_clock: FakeClock
    ) -> None:
        """A refused connection is retried (even for a create), then raised as not sent."""
        base_url = f"http://127.0.0.1:{_unused_port()}/v2"
        with (
            BulkNumbersClient(
                API_KEY, base_url=base_url, sleep=fake_clock.sleep, clock=fake_clock.now
            ) as client,
            pytest.raises(TransportError) as info,
        ):
            client.create_bulk_order(REQUEST)
        assert info.value.request_sent is False
        assert len(fake_clock.sleeps) == 3
