"""Every client method end to end against the sandbox, in-process (its httpx transport)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.errors import (
    AuthenticationError,
    NotFoundError,
    UnprocessableEntityError,
)
from pulumi_bulknumbers.models import (
    BulkOrder,
    BulkOrderRequest,
    OrderingGroupRequest,
    PhoneNumberPattern,
    PhoneNumbersJob,
)
from pulumi_bulknumbers.sandbox import FakeClock, Sandbox
from tests.client.helpers import API_KEY
from tests.openapi_contract import assert_calls_match_spec

T = TypeVar("T")

MISSING_UUID = "00000000-0000-4000-8000-000000000000"


def group(count: int = 2, **fields: Any) -> OrderingGroupRequest:
    """A US local ordering group of `count` numbers."""
    return OrderingGroupRequest(
        country_iso="US", phone_number_type="local", count_requested=count, **fields
    )


def settle(read: Callable[[], T], done: Callable[[T], bool], clock: FakeClock) -> T:
    """Read until `done`, moving the fake clock a minute between reads (bounded)."""
    for _ in range(50):
        value = read()
        if done(value):
            return value
        clock.sleep(60)
    raise AssertionError(f"never settled: {value!r}")


@pytest.fixture(name="client")
def _client(sandbox: Sandbox, fake_clock: FakeClock) -> Iterator[BulkNumbersClient]:
    """A client over the shared, spec-validated sandbox fixture (in-process)."""
    with BulkNumbersClient(
        API_KEY, transport=sandbox.transport(), sleep=fake_clock.sleep, clock=fake_clock.now
    ) as client:
        yield client


@pytest.fixture(name="completed_order")
def _completed_order(client: BulkNumbersClient, fake_clock: FakeClock) -> BulkOrder:
    """A bulk order of 3 numbers that has completed."""
    order = client.create_bulk_order(
        BulkOrderRequest(
            ordering_groups=[group(3, national_destination_code="212")],
            customer_reference="client-e2e",
            connection_id="1293384261075731499",
        )
    )
    return settle(lambda: client.get_bulk_order(order.id), lambda o: o.done, fake_clock)


class TestBulkOrders:
    def test_create_then_complete(self, client: BulkNumbersClient, fake_clock: FakeClock) -> None:
        """A bulk order starts pending with integer counts, then completes with its orders."""
        request = BulkOrderRequest(ordering_groups=[group(2), group(1)], customer_reference="e2e")
        created = client.create_bulk_order(request)
        assert created.status == "pending"
        assert [g.count_requested for g in created.ordering_groups] == [2, 1]
        done = settle(lambda: client.get_bulk_order(created.id), lambda o: o.done, fake_clock)
        assert (done.status, done.count_allocated) == ("success", 3)
        assert done.customer_reference == "e2e"
        assert done.number_order_ids
        assert done.sub_number_order_ids

    def test_pattern_round_trips_through_flattened_keys(self, client: BulkNumbersClient) -> None:
        """The nested pattern sent comes back (flattened on the wire) as the same pattern."""
        pattern = PhoneNumberPattern(ends_with="7")
        order = client.create_bulk_order(
            BulkOrderRequest(ordering_groups=[group(1, phone_number=pattern)])
        )
        assert order.ordering_groups[0].phone_number == pattern

    def test_list_and_iterate(self, client: BulkNumbersClient) -> None:
        """Orders list with flat paging, and iteration walks every page."""
        ids = {
            client.create_bulk_order(BulkOrderRequest(ordering_groups=[group(1)])).id
            for _ in range(3)
        }
        page = client.list_bulk_orders(page_number=1, page_size=2)
        assert (len(page.data), page.meta.total_results, page.has_next) == (2, 3, True)
        assert {o.id for o in client.iter_bulk_orders(page_size=2)} == ids

    def test_unknown_order_is_not_found(self, client: BulkNumbersClient) -> None:
        """A missing order raises NotFoundError with Telnyx's code."""
        with pytest.raises(NotFoundError) as info:
            client.get_bulk_order(MISSING_UUID)
        assert info.value.codes == ["10005"]

    def test_over_10000_numbers_is_refused_with_a_pointer(self, client: BulkNumbersClient) -> None:
        """The sandbox refuses an order over 10,000 numbers in total, naming where."""
        request = BulkOrderRequest(ordering_groups=[group(6000), group(6000)])
        with pytest.raises(UnprocessableEntityError) as info:
            client.create_bulk_order(request)
        assert info.value.errors[0].pointer
        assert list(client.iter_bulk_orders()) == []


class TestScarceInventory:
    @pytest.fixture(name="scarce")
    def _scarce(self, fake_clock: FakeClock) -> Iterator[BulkNumbersClient]:
        """A client over a sandbox with only 2 numbers left in area code 212."""
        with Sandbox(clock=fake_clock.now, sleep=fake_clock.sleep) as sandbox:
            sandbox.set_inventory(
                country_iso="US",
                phone_number_type="local",
                national_destination_code="212",
                available=2,
            )
            with BulkNumbersClient(
                API_KEY, transport=sandbox.transport(), sleep=fake_clock.sleep, clock=fake_clock.now
            ) as client:
                yield client
            assert_calls_match_spec(sandbox.calls)

    @pytest.mark.parametrize(
        ("strategy", "status", "allocated"),
        [("always", "partial_success", 2), ("never", "failed", 0)],
        ids=["always-takes-what-there-is", "never-is-all-or-nothing"],
    )
    def test_shortfall(
        self,
        scarce: BulkNumbersClient,
        fake_clock: FakeClock,
        strategy: str,
        status: str,
        allocated: int,
    ) -> None:
        """`always` buys what exists; `never` buys nothing and says why."""
        created = scarce.create_bulk_order(
            BulkOrderRequest(
                ordering_groups=[group(5, national_destination_code="212", strategy=strategy)]
            )
        )
        done = settle(lambda: scarce.get_bulk_order(created.id), lambda o: o.done, fake_clock)
        assert (done.status, done.count_allocated) == (status, allocated)
        if status == "failed":
            assert done.ordering_groups[0].error_reason


class TestNumberOrders:
    def test_bulk_order_numbers_are_reachable(
        self, client: BulkNumbersClient, completed_order: BulkOrder
    ) -> None:
        """The number orders and sub orders a bulk order made can be read and listed."""
        number_order = client.get_number_order(completed_order.number_order_ids[0])
        assert number_order.phone_numbers
        assert number_order.sub_number_orders_ids
        sub = client.get_sub_number_order(
            number_order.sub_number_orders_ids[0], include_phone_numbers=True
        )
        assert sub.order_request_id == number_order.id
        assert sub.phone_numbers
        listed = list(client.iter_sub_number_orders(order_request_id=number_order.id))
        assert {s.id for s in listed} == set(number_order.sub_number_orders_ids)
        assert number_order.id in {
            o.id for o in client.iter_number_orders(customer_reference="client-e2e")
        }

    def test_a_number_order_reference_can_be_changed(
        self, client: BulkNumbersClient, completed_order: BulkOrder
    ) -> None:
        """PATCH sets the reference: the order reads and lists under the new one."""
        number_order_id = completed_order.number_order_ids[0]
        updated = client.update_number_order(number_order_id, customer_reference="relabelled")
        assert (updated.id, updated.customer_reference) == (number_order_id, "relabelled")
        assert client.get_number_order(number_order_id).customer_reference == "relabelled"
        listed = client.iter_number_orders(customer_reference="relabelled")
        assert [o.id for o in listed] == [number_order_id]
        with pytest.raises(NotFoundError):
            client.update_number_order(MISSING_UUID, customer_reference="x")

    def test_search_then_explicit_order(
        self, client: BulkNumbersClient, fake_clock: FakeClock
    ) -> None:
        """The explicit workflow: coverage, search, order the found numbers, see them owned."""
        coverage = client.inventory_coverage(country_code="US", administrative_area="NY")
        assert any((c.count or 0) > 0 for c in coverage)
        found = client.available_phone_numbers(
            country_code="US", national_destination_code="212", limit=2
        )
        assert len(found) == 2
        order = client.create_number_order(
            [n.phone_number for n in found], customer_reference="explicit"
        )
        done = settle(
            lambda: client.get_number_order(order.id), lambda o: o.status != "pending", fake_clock
        )
        assert done.status == "success"
        owned = {n.phone_number for n in client.iter_phone_numbers(customer_reference="explicit")}
        assert owned == {n.phone_number for n in found}


class TestPhoneNumbers:
    def test_list_filter_get_update_delete(
        self, client: BulkNumbersClient, completed_order: BulkOrder
    ) -> None:
        """Owned numbers carry the order's settings and can be changed and released."""
        numbers = list(client.iter_phone_numbers(customer_reference="client-e2e", page_size=2))
        assert len(numbers) == 3
        assert all(n.connection_id == "1293384261075731499" for n in numbers)
        first = numbers[0]
        assert client.get_phone_number(first.id).phone_number == first.phone_number
        assert [n.id for n in client.iter_phone_numbers(phone_number=first.phone_number)] == [
            first.id
        ]
        updated = client.update_phone_number(first.id, tags=["pool-a"], customer_reference="moved")
        assert (updated.tags, updated.customer_reference) == (["pool-a"], "moved")
        assert [n.id for n in client.iter_phone_numbers(tag="pool-a")] == [first.id]
        deleted = client.delete_phone_number(first.id)
        assert deleted.status == "deleted"

    def test_messaging_settings(
        self, client: BulkNumbersClient, completed_order: BulkOrder
    ) -> None:
        """One number's messaging profile, then many numbers' in bulk."""
        numbers = list(client.iter_phone_numbers(customer_reference="client-e2e"))
        one = client.update_phone_number_messaging(numbers[0].id, messaging_profile_id="mp-1")
        assert one.messaging_profile_id == "mp-1"
        bulk = client.create_messaging_bulk_update("mp-2", [n.phone_number for n in numbers])
        again = client.get_messaging_bulk_update(bulk.order_id)
        assert set(again.success) | set(again.pending) == {n.phone_number for n in numbers}


class TestJobs:
    def test_update_job_then_delete_job_with_a_locked_number(
        self, client: BulkNumbersClient, completed_order: BulkOrder, fake_clock: FakeClock
    ) -> None:
        """A lock set by an update job makes that number fail in a later delete job."""
        numbers = list(client.iter_phone_numbers(customer_reference="client-e2e"))
        locked, free = numbers[0], numbers[1:]
        job = client.create_update_job([locked.id], deletion_lock_enabled=True)
        assert job.type == "update_phone_numbers"
        settle(lambda: client.get_job(job.id), lambda j: j.done, fake_clock)
        assert client.get_phone_number(locked.id).deletion_lock_enabled

        delete = client.create_delete_job([n.id for n in numbers])
        finished: PhoneNumbersJob = settle(
            lambda: client.get_job(delete.id), lambda j: j.done, fake_clock
        )
        assert {op.id for op in finished.failed_operations} == {locked.id}
        assert finished.failed_operations[0].errors
        assert {op.id for op in finished.successful_operations} == {n.id for n in free}

    def test_list_jobs_shows_the_newest_first_with_their_outcomes(
        self, client: BulkNumbersClient, completed_order: BulkOrder, fake_clock: FakeClock
    ) -> None:
        """One list request reports every recent job, filtered by type."""
        numbers = [n.id for n in client.iter_phone_numbers(customer_reference="client-e2e")]
        update = client.create_update_job(numbers[:1], customer_reference="moved")
        first = client.create_delete_job(numbers[1:2])
        second = client.create_delete_job(numbers[2:])
        settle(lambda: client.get_job(second.id), lambda j: j.done, fake_clock)
        page = client.list_jobs(job_type="delete_phone_numbers", page_size=250)
        assert [j.id for j in page.data] == [second.id, first.id]
        assert all(j.done and j.successful_operations for j in page.data)
        assert update.id in {j.id for j in client.list_jobs().data}

    def test_unknown_job_is_not_found(self, client: BulkNumbersClient) -> None:
        """Polling a job that does not exist raises NotFoundError."""
        with pytest.raises(NotFoundError):
            client.get_job(MISSING_UUID)


class TestAuthentication:
    def test_wrong_key_is_an_authentication_error(self) -> None:
        """A sandbox with a fixed key answers 401 code 10009 to any other."""
        with Sandbox(api_key="the-right-key") as sandbox:
            client = BulkNumbersClient("a-wrong-key", transport=sandbox.transport())
            with client, pytest.raises(AuthenticationError) as info:
                client.list_bulk_orders()
            assert_calls_match_spec(sandbox.calls)
        assert info.value.codes == ["10009"]
