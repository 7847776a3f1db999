"""The ways a pool would be managed without this package, written plainly and never slowed down.

Each uses the package's own client (same retries, same connection pool) against the same
sandbox as ours, so the difference measured is the approach, not the plumbing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Generic, TypeVar

from pulumi_bulknumbers import BulkNumbersClient
from pulumi_bulknumbers.models import NumberOrder
from pulumi_bulknumbers.waiter import wait_until

T = TypeVar("T")

SEARCH_LIMIT = 250
"""The most numbers one search returns (the sandbox's cap on filter[limit])."""


@dataclass(frozen=True)
class Polled(Generic[T]):
    """What a fixed-interval poller ended with."""

    value: T
    polls: int


def fixed_interval_wait(
    fetch: Callable[[], T],
    done: Callable[[T], bool],
    *,
    interval: float,
    initial: T,
    timeout: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> Polled[T]:
    """Look every `interval` seconds until `done`: the poller most scripts start with."""
    start, value, polls = clock(), initial, 0
    while not done(value) and clock() - start < timeout:
        sleep(interval)
        value = fetch()
        polls += 1
    return Polled(value, polls)


def one_request_per_number(
    action: Callable[[str], object], ids: Sequence[str], *, workers: int
) -> None:
    """Act on a pool one number at a time: one request each, `workers` in flight at once."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(action, ids):
            pass


def search_and_order(
    client: BulkNumbersClient, count: int, *, customer_reference: str
) -> dict[str, str]:
    """The standard workflow: search available numbers, order exactly those, wait, read ids.

    Searches return at most 250 numbers and keep returning the same ones until they are
    ordered, so rounds of search-then-order run one after another. The orders are then waited
    for (with the package's adaptive schedule, the same as ours) and the numbers' ids read by
    their label, which is what a pool's outputs hold. Returns E.164 -> id.
    """
    orders: list[NumberOrder] = []
    ordered = 0
    while ordered < count:
        found = client.available_phone_numbers(
            country_code="US", phone_number_type="local", limit=min(SEARCH_LIMIT, count - ordered)
        )
        if not found:
            raise RuntimeError(f"the search found nothing after {ordered} of {count} numbers")
        numbers = [n.phone_number for n in found]
        orders.append(client.create_number_order(numbers, customer_reference=customer_reference))
        ordered += len(numbers)
    for order in orders:
        outcome = wait_until(
            partial(client.get_number_order, order.id),
            lambda o: o.status != "pending",
            timeout=3600,
            initial=order,
        )
        if outcome.value.status != "success":
            raise RuntimeError(f"number order {order.id} ended {outcome.value.status}")
    return {
        n.phone_number: n.id
        for n in client.iter_phone_numbers(customer_reference=customer_reference)
    }
