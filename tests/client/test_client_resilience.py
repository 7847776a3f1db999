"""The client against a misbehaving sandbox: faults, cuts and rate limits, in simulated time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.errors import ServerError, TransportError
from pulumi_bulknumbers.models import BulkOrderRequest, OrderingGroupRequest
from pulumi_bulknumbers.sandbox import FakeClock, Sandbox
from tests.client.helpers import API_KEY
from tests.openapi_contract import assert_calls_match_spec

CREATE = "/inexplicit_number_orders"
REQUEST = BulkOrderRequest(
    ordering_groups=[
        OrderingGroupRequest(country_iso="US", phone_number_type="local", count_requested=1)
    ],
    customer_reference="resilience",
)


@pytest.fixture(name="client")
def _client(sandbox: Sandbox, fake_clock: FakeClock) -> Iterator[BulkNumbersClient]:
    with BulkNumbersClient(
        API_KEY, transport=sandbox.transport(), sleep=fake_clock.sleep, clock=fake_clock.now
    ) as client:
        yield client


def _posts(sandbox: Sandbox) -> int:
    return sum(1 for c in sandbox.calls if c.method == "POST" and c.path.endswith(CREATE))


class TestAmbiguousCreate:
    def test_cut_after_processing_is_not_resent(
        self, client: BulkNumbersClient, sandbox: Sandbox
    ) -> None:
        """A create cut after Telnyx committed it raises, and is sent exactly once."""
        sandbox.inject_fault("cut_after", method="POST", path=CREATE)
        with pytest.raises(TransportError) as info:
            client.create_bulk_order(REQUEST)
        assert info.value.request_sent is True
        assert _posts(sandbox) == 1
        assert len(client.list_bulk_orders().data) == 1  # the order exists: re-sending buys twice

    def test_error_after_processing_is_not_resent(
        self, client: BulkNumbersClient, sandbox: Sandbox
    ) -> None:
        """A 500 after the order was committed raises ServerError after one POST."""
        sandbox.inject_fault("error_after", method="POST", path=CREATE, status=500)
        with pytest.raises(ServerError):
            client.create_bulk_order(REQUEST)
        assert _posts(sandbox) == 1
        assert len(client.list_bulk_orders().data) == 1

    def test_rate_limited_create_is_resent_after_retry_after(
        self, client: BulkNumbersClient, sandbox: Sandbox, fake_clock: FakeClock
    ) -> None:
        """A 429 means nothing was processed: the create waits Retry-After and goes again."""
        sandbox.inject_fault("rate_limit", method="POST", path=CREATE, retry_after=3)
        order = client.create_bulk_order(REQUEST)
        assert fake_clock.sleeps == [3.0]
        assert _posts(sandbox) == 2
        assert [o.id for o in client.iter_bulk_orders()] == [order.id]


class TestReadsRecover:
    @pytest.mark.parametrize(
        ("kind", "times"),
        [("error", 2), ("cut", 2), ("rate_limit", 1)],
        ids=["500-twice", "cut-twice", "429"],
    )
    def test_reads_retry_through_faults(
        self, client: BulkNumbersClient, sandbox: Sandbox, kind: str, times: int
    ) -> None:
        """GETs ride out transient faults and return the real answer."""
        order = client.create_bulk_order(REQUEST)
        sandbox.inject_fault(kind, method="GET", times=times)  # type: ignore[arg-type]
        assert client.get_bulk_order(order.id).id == order.id

    def test_a_persistent_outage_ends_in_server_error(
        self, client: BulkNumbersClient, sandbox: Sandbox, fake_clock: FakeClock
    ) -> None:
        """When every attempt fails, the last 5xx is raised after a bounded number of tries."""
        sandbox.inject_fault("error", method="GET", times=100, status=503)
        with pytest.raises(ServerError):
            client.list_phone_numbers()
        assert len(sandbox.calls) == 4
        assert len(fake_clock.sleeps) == 3


class TestRateLimitedSandbox:
    def test_a_burst_completes_by_obeying_the_rate_limit(self, fake_clock: FakeClock) -> None:
        """Against a 2 requests/second sandbox, a burst succeeds by spacing itself: no 429."""
        with (
            Sandbox(rate_limit=2, clock=fake_clock.now, sleep=fake_clock.sleep) as sandbox,
            BulkNumbersClient(
                API_KEY,
                transport=sandbox.transport(),
                sleep=fake_clock.sleep,
                clock=fake_clock.now,
            ) as client,
        ):
            for _ in range(8):
                client.list_phone_numbers()
            statuses = [c.status for c in sandbox.calls]
            assert statuses == [200] * 8
            assert fake_clock.sleeps  # the limiter waited for the budget to come back
            assert_calls_match_spec(sandbox.calls)
