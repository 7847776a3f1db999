"""Never buy twice: find the order an interrupted run may have bought before buying again.

Telnyx takes no idempotency key on bulk orders, and a Python dynamic provider cannot record a
half-finished create. So every purchase goes through `purchase()`:

1. Look for an orphan: an order in the account with the pool's customer_reference, the same
   ordering groups and settings, that bought (or may still buy) numbers, that no state records
   and no other resource of this process is using. Exactly one: adopt it instead of buying.
   Several: fail, naming them and how to adopt one (`adopt_order_id`).
2. Otherwise POST once. When the answer is lost (connection cut or timed out after sending, a
   5xx, an unreadable 2xx), look again, a few times over a few seconds: adopt the one order
   found, fail on several; only when none appears is the request sent again.

An order is "recorded" once the resource that bought it is in Pulumi's state. A provider
cannot read state, so the last step of every create or update that records an order is
`claim()`: it marks the order's first number order (its customer_reference gains
`#recorded:<instance>`, the id of the pool instance that recorded it). Orders claimed by another
instance are never adopted as orphans, which is what keeps a forced replace (`pulumi up
--replace`) from adopting its predecessor's order; and a pool never releases the numbers of an
order another instance has claimed. An order claimed by the buying pool's own instance but
missing from its state was claimed by a run killed just before Pulumi saved it: a top-up's
retry adopts it. A create has no instance yet, so that instant stays open for it (README,
Limits). Cost: one list of the account's bulk orders per purchase (250 a page), one GET per
look-alike order, one PATCH per recorded order.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.errors import (
    BulkNumbersError,
    NotFoundError,
    OrderFailedError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
)
from pulumi_bulknumbers.models import BulkOrder, BulkOrderRequest
from pulumi_bulknumbers.pool import DECLARED_GROUP_KEYS

CLAIM_MARK = "#recorded:"
"""Appended, with the claiming pool instance's id, to a recorded order's first number order's
customer_reference."""
MAX_SCAN = 10_000
"""Bulk orders looked at when searching for an orphan (40 pages of 250)."""
SETTLE_DELAYS = (0.5, 1.0, 2.0)
"""Seconds between looks after an answer was lost, before deciding nothing was bought."""
MAX_POSTS = 3

_TAKEN: set[str] = set()
"""Order ids a resource of this provider process is creating or tracking."""
_TAKEN_LOCK = threading.Lock()
_REFERENCE_LOCKS: dict[str, threading.Lock] = {}
"""One lock per customer_reference: two identical resources never search and buy at once."""


def _reference_lock(reference: str) -> threading.Lock:
    with _TAKEN_LOCK:
        return _REFERENCE_LOCKS.setdefault(reference, threading.Lock())


def take(order_id: str) -> None:
    """Mark an order as used by a resource of this process (not an orphan for the others)."""
    with _TAKEN_LOCK:
        _TAKEN.add(order_id)


def _ambiguous(exc: Exception) -> bool:
    """Whether a failed POST may have created the order anyway."""
    if isinstance(exc, TransportError):
        return exc.request_sent is not False
    return isinstance(exc, ServerError | UnexpectedResponseError)


@dataclass
class Recovery:
    """Buys orders without ever buying one twice; see the module docstring."""

    client: BulkNumbersClient
    name: str
    log: Callable[[str], None]
    warn: Callable[[str], None]
    sleep: Callable[[float], None] = time.sleep
    exclude: set[str] = field(default_factory=set)
    """Orders the pool's state already records (never orphans)."""
    top_up: bool = False
    """Whether the purchase under way is a top-up (it changes the advice when stuck)."""
    instance: str | None = None
    """The pool instance buying. An order it claimed that its state does not record was
    claimed by a run of this same pool that stopped before Pulumi saved it: an orphan."""

    def purchase(self, request: BulkOrderRequest, *, top_up: bool = False) -> BulkOrder:
        """Adopt the orphan of an interrupted run, or POST the order once."""
        self.top_up = top_up
        reference = request.customer_reference or ""
        with _reference_lock(reference):
            orphan = self._single_orphan(request)
            if orphan is not None:
                self.warn(
                    f"{self.name}: found bulk order {orphan.id} ({orphan.status}), bought by "
                    "an earlier run that stopped before recording it; adopting it instead of "
                    "buying again"
                )
                take(orphan.id)
                return orphan
            order = self._post(request)
            take(order.id)
            return order

    def _post(self, request: BulkOrderRequest) -> BulkOrder:
        for _ in range(MAX_POSTS):
            try:
                return self.client.create_bulk_order(request)
            except Exception as exc:
                if not _ambiguous(exc):
                    raise
                self.warn(
                    f"{self.name}: the answer to the order request was lost ({exc}); looking "
                    "for the order before deciding anything"
                )
                for delay in SETTLE_DELAYS:
                    self.sleep(delay)
                    found = self._single_orphan(request)
                    if found is not None:
                        self.log(f"{self.name}: the order was placed: bulk order {found.id}")
                        return found
                self.log(f"{self.name}: no order was placed; sending the request again")
        raise OrderFailedError(
            f"{self.name}: the order request failed {MAX_POSTS} times without an answer and no "
            "order was placed, so nothing was bought. Check Telnyx's status and run `pulumi up` "
            "again."
        )

    def _single_orphan(self, request: BulkOrderRequest) -> BulkOrder | None:
        candidates = self.orphans(request)
        if len(candidates) > 1:
            ids = ", ".join(o.id for o in candidates)
            raise OrderFailedError(
                f"{self.name}: {len(candidates)} unrecorded bulk orders match this pool: {ids}. "
                "Nothing more was bought. Adopt the one that belongs to this resource with "
                '`adopt_order_id="<id>"` (and release the others\' numbers in the portal), then '
                "run `pulumi up` again."
            )
        return candidates[0] if candidates else None

    def orphans(self, request: BulkOrderRequest) -> list[BulkOrder]:
        """Orders matching `request` that no state records and no resource here is using."""
        with _TAKEN_LOCK:
            skip = self.exclude | _TAKEN
        scanned = islice(self.client.iter_bulk_orders(), MAX_SCAN)
        look_alikes = [o for o in scanned if o.id not in skip and matches(request, o)]
        return [o for o in look_alikes if self.claimer(claim_target(o)) in (None, self.instance)]

    def claimer(self, target: str | None) -> str | None:
        """The instance that recorded an order, from its first number order (`target`);
        None when no one has."""
        if target is None:
            return None
        try:
            number_order = self.client.get_number_order(target)
        except NotFoundError:
            return None
        reference = number_order.customer_reference or ""
        _, mark, instance = reference.rpartition(CLAIM_MARK)
        return instance if mark else None

    def claim(self, orders: Iterable[BulkOrder], instance: str) -> None:
        """Mark orders as recorded: the last step before returning them to Pulumi.

        Never raises: failing here would leave an order bought and unrecorded, and if the mark
        did land, the next run would not adopt it but buy again. An unmarked recorded order
        only loses the protection against a later forced replace adopting it.
        """
        for order in orders:
            target = claim_target(order)
            if target is None:
                continue
            reference = (order.customer_reference or "") + CLAIM_MARK + instance
            try:
                self.client.update_number_order(target, customer_reference=reference)
            except BulkNumbersError as exc:
                self.warn(f"{self.name}: could not mark bulk order {order.id} as recorded ({exc})")


def claim_target(order: BulkOrder) -> str | None:
    """The number order that carries an order's claim: its first, once it has one."""
    ids = order.number_order_ids
    return ids[0] if ids else None


def matches(request: BulkOrderRequest, order: BulkOrder) -> bool:
    """Whether `order` is what `request` would have bought (and may hold numbers)."""
    if order.customer_reference != request.customer_reference:
        return False
    if order.done and order.count_allocated == 0:
        return False  # nothing to adopt: the next purchase must buy
    for key in ("connection_id", "messaging_profile_id", "billing_group_id"):
        if getattr(order, key) != getattr(request, key):
            return False
    if len(order.ordering_groups) != len(request.ordering_groups):
        return False
    for want, have in zip(request.ordering_groups, order.ordering_groups, strict=True):
        for key in ECHOED_GROUP_KEYS:
            if getattr(want, key) is not None and getattr(want, key) != getattr(have, key):
                return False
    return True


ECHOED_GROUP_KEYS = (*DECLARED_GROUP_KEYS, "phone_number")
"""Group fields a bulk order echoes back, so a stored order can be compared with a request."""
