"""What each lifecycle step does to a pool's order and numbers, through the client.

`PoolOperations` is the provider's worker: submit or adopt an order, wait for it with progress,
find the numbers it bought, apply settings to them, release them. It knows Telnyx (client,
models, jobs) and nothing of Pulumi; `provider.py` translates between the two.

Numbers carry the pool's `customer_reference` (the user's, or one derived from the pool's name):
that label is how a refresh finds every number the pool still owns in a few pages of 250.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_bulknumbers._params import NOT_GIVEN, NotGiven
from pulumi_bulknumbers.batch import BatchRunner
from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.errors import (
    NotFoundError,
    OrderFailedError,
    RateLimitError,
    ReleaseError,
    ServerError,
    SettingsError,
    TransportError,
    UnexpectedResponseError,
)
from pulumi_bulknumbers.models import BulkOrder, BulkOrderRequest, PhoneNumbersJob
from pulumi_bulknumbers.progress import failure_summary, progress_line
from pulumi_bulknumbers.waiter import PollSchedule, WaitOutcome, wait_until

GONE_STATUSES = frozenset({"deleted", "ported-out", "port-out-pending", "purchase-failed"})
Setting = str | bool | None
TRANSIENT = (ServerError, TransportError, UnexpectedResponseError, RateLimitError)
"""Failures of a poll that say nothing about the order itself."""
MAX_POLL_FAILURES = 5


@dataclass
class PoolOperations:
    """Acts on one pool's order and numbers. `log` and `warn` reach the user."""

    client: BulkNumbersClient
    name: str
    reference: str
    log: Callable[[str], None]
    warn: Callable[[str], None]
    schedule: PollSchedule = field(default_factory=PollSchedule)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    @property
    def batch(self) -> BatchRunner:
        return BatchRunner(self.client, self.name, self.schedule, self.clock, self.sleep)

    # -- orders ---------------------------------------------------------------------------

    def adopt(self, order_id: str, request: BulkOrderRequest) -> BulkOrder:
        """Take over an existing order, warning where it differs from the declared groups."""
        try:
            order = self.client.get_bulk_order(order_id)
        except NotFoundError as exc:
            raise OrderFailedError(
                f"{self.name}: adopt_order_id {order_id} names no bulk order in this account; "
                "check the id (Telnyx portal, or GET /v2/inexplicit_number_orders)."
            ) from exc
        for difference in _differences(request, order):
            self.warn(f"{self.name}: adopted order {order_id} differs: {difference}")
        self.log(f"{self.name}: adopted bulk order {order_id}")
        return order

    def wait(self, order: BulkOrder, timeout: float) -> WaitOutcome[BulkOrder]:
        """Poll the order until every group ends or `timeout` passes, logging each change.

        A poll that fails for a passing reason (a 5xx, a cut connection, an unreadable answer)
        is retried on the schedule; only several in a row end the wait with that error.
        """
        last = [progress_line(self.name, order)]
        failures = [0]

        def fetch() -> BulkOrder:
            try:
                current = self.client.get_bulk_order(order.id)
            except TRANSIENT as exc:
                failures[0] += 1
                if failures[0] >= MAX_POLL_FAILURES:
                    raise
                self.warn(f"{self.name}: polling order {order.id} failed ({exc}); retrying")
                return order
            failures[0] = 0
            return current

        def report(current: BulkOrder) -> None:
            line = progress_line(self.name, current)
            if line != last[0]:
                last[0] = line
                self.log(line)

        return wait_until(
            fetch,
            lambda current: current.done,
            timeout=timeout,
            initial=order,
            schedule=self.schedule,
            on_poll=report,
            clock=self.clock,
            sleep=self.sleep,
        )

    def check_outcome(self, order: BulkOrder) -> None:
        """Fail when nothing at all was bought; warn when some groups fell short."""
        if order.count_allocated == 0:
            raise OrderFailedError(
                f"{self.name}: bulk order {order.id} bought no numbers, so nothing was charged "
                f"or recorded. {failure_summary(order)}. Change the criteria (area code, region, "
                "features) or check inventory coverage, then run `pulumi up` again."
            )
        if order.status != "success":
            self.warn(
                f"{self.name}: bulk order {order.id} ended {order.status}: "
                f"{failure_summary(order)}. The numbers bought are recorded."
            )

    # -- numbers --------------------------------------------------------------------------

    def bought_by_group(self, order: BulkOrder) -> list[set[str]]:
        """For each ordering group, the E.164 numbers its number orders bought."""
        cache: dict[str, set[str]] = {}
        out: list[set[str]] = []
        for group in order.ordering_groups:
            numbers: set[str] = set()
            for placed in group.orders:
                if placed.number_order_id not in cache:
                    number_order = self.client.get_number_order(placed.number_order_id)
                    cache[placed.number_order_id] = {
                        n.phone_number for n in number_order.phone_numbers if n.status != "failure"
                    }
                numbers |= cache[placed.number_order_id]
            out.append(numbers)
        return out

    def resolve(self, order: BulkOrder, *, relabel: bool = True) -> list[dict[str, str]]:
        """For each ordering group, the numbers it bought that the account owns, E.164 → id.

        With `relabel`, numbers found without the pool's label get it, so later refreshes find
        them in pages; a read (refresh) never relabels.
        """
        per_group = self.bought_by_group(order)
        wanted = set().union(*per_group) if per_group else set()
        found, labelled = self._lookup(wanted)
        unlabelled = sorted(set(found) - labelled)
        if relabel and unlabelled:
            # Adopted orders (or numbers relabelled by hand): label them so later refreshes
            # find them in pages.
            self.apply_settings(unlabelled, {"customer_reference": self.reference})
        return [{n: found[n] for n in sorted(group) if n in found} for group in per_group]

    def owned(self, numbers: Iterable[str]) -> dict[str, str]:
        """Which of `numbers` the account still owns, E.164 → id.

        Listed by the pool's label, a page of 250 at a time; a number missing from that list
        is looked up on its own before it counts as gone (its label may have been changed by
        hand, or by a run that stopped midway).
        """
        return self._lookup(set(numbers))[0]

    def _lookup(self, wanted: set[str]) -> tuple[dict[str, str], set[str]]:
        """Owned numbers among `wanted` (E.164 → id), and which of them carry the label."""
        if not wanted:
            return {}, set()
        found = {
            item.phone_number: item.id
            for item in self.client.iter_phone_numbers(customer_reference=self.reference)
            if item.phone_number in wanted and item.status not in GONE_STATUSES
        }
        labelled = set(found)
        for number in sorted(wanted - labelled):
            for item in self.client.iter_phone_numbers(phone_number=number):
                if item.phone_number == number and item.status not in GONE_STATUSES:
                    found[number] = item.id
        return found, labelled

    # -- settings and release -------------------------------------------------------------

    def apply_settings(self, numbers: Sequence[str], changes: Mapping[str, Setting]) -> None:
        """Set each changed setting on every number; name the numbers that failed.

        A setting removed from the program is cleared on the numbers (Telnyx takes "").
        `deletion_lock_enabled` (a bool) goes through the same update jobs. Numbers a job
        fails for are retried in a new job before they count as failed.
        """
        if not numbers or not changes:
            return
        failures: dict[str, str] = {}
        if any(k != "messaging_profile_id" for k in changes):

            def submit(chunk: list[str]) -> PhoneNumbersJob:
                return self.client.create_update_job(
                    chunk,
                    connection_id=_given(changes, "connection_id"),
                    billing_group_id=_given(changes, "billing_group_id"),
                    customer_reference=_given(changes, "customer_reference"),
                    deletion_lock_enabled=_flag(changes, "deletion_lock_enabled"),
                )

            failures.update(
                {n: reason for n, (reason, _) in self.batch.run(numbers, submit).items()}
            )
        if "messaging_profile_id" in changes:
            profile = changes["messaging_profile_id"]
            failures.update(self.batch.set_messaging(numbers, str(profile or "")))
        if failures:
            raise SettingsError(
                f"{self.name}: {len(failures)} of {len(numbers)} numbers did not take the new "
                f"settings: {_describe(failures)}. Run `pulumi up` again to retry them."
            )
        self.log(f"{self.name}: applied {', '.join(sorted(changes))} to {len(numbers)} numbers")

    def release(self, numbers: Mapping[str, str]) -> set[str]:
        """Release every owned number with delete jobs; return the numbers now gone.

        Numbers already gone count as released. Numbers that cannot be released (a deletion
        lock, say) are named in a ReleaseError, raised after all the others are released.
        """
        owned = self.owned(numbers)
        gone = len(numbers) - len(owned)
        if gone:
            self.log(f"{self.name}: {gone} numbers were already released")
        if not owned:
            return set(numbers)
        failures = {
            n: reason
            for n, (reason, _) in self.batch.run(
                sorted(owned), self.client.create_delete_job
            ).items()
        }
        self.log(f"{self.name}: released {len(owned) - len(failures)} numbers")
        if failures:
            raise ReleaseError(
                f"{self.name}: {len(failures)} numbers could not be released and are still "
                f"owned (and billed): {_describe(failures)}. Clear what blocks them (a deletion "
                "lock, say) and run the command again; the other numbers are released.",
                numbers=sorted(failures),
            )
        return set(numbers)


def _given(changes: Mapping[str, Setting], key: str) -> str | NotGiven:
    """A setting to send: its new value, "" to clear it, or not sent when unchanged."""
    return str(changes[key] or "") if key in changes else NOT_GIVEN


def _flag(changes: Mapping[str, Setting], key: str) -> bool | NotGiven:
    return bool(changes[key]) if key in changes else NOT_GIVEN


def _describe(failures: Mapping[str, str], limit: int = 10) -> str:
    items = sorted(failures.items())
    text = ", ".join(f"{n} ({reason})" for n, reason in items[:limit])
    return text + (f" and {len(items) - limit} more" if len(items) > limit else "")


# The group fields a bulk order echoes back, so an existing order can be compared or declared.
DECLARED_GROUP_KEYS = (
    "country_iso",
    "phone_number_type",
    "count_requested",
    "national_destination_code",
    "administrative_area",
    "strategy",
)


def _differences(request: BulkOrderRequest, order: BulkOrder) -> list[str]:
    """How an existing order differs from the declared groups, in words."""
    declared, actual = request.ordering_groups, order.ordering_groups
    if len(declared) != len(actual):
        return [f"it has {len(actual)} groups, the program declares {len(declared)}"]
    out = []
    for i, (want, have) in enumerate(zip(declared, actual, strict=True), start=1):
        for key in DECLARED_GROUP_KEYS:
            w: Any = getattr(want, key, None)
            h: Any = getattr(have, key, None)
            if w is not None and w != h:
                out.append(f"group {i} {key} is {h!r}, the program declares {w!r}")
    return out
