"""The lifecycle steps of a pool, in Telnyx terms: create, read, update and delete a PoolState.

`provider.py` turns Pulumi props into these calls and their results back into props; this
module decides the order of the network steps. The rules that matter for money and numbers:
- every purchase goes through `Recovery.purchase` (never buy twice), and a recorded order is
  claimed as the very last step, after everything that could still fail;
- new numbers are bought before old ones are released, and a release the deletion lock
  forbids is refused before anything is bought or released;
- settings change on kept numbers before the label moves, so a refresh always finds them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_bulknumbers.errors import NotFoundError, OrderFailedError, ReleaseError
from pulumi_bulknumbers.groups import criteria, group_key
from pulumi_bulknumbers.models import BulkOrder
from pulumi_bulknumbers.plan import PoolChange, effective_settings, plan_pool, to_request
from pulumi_bulknumbers.pool import PoolOperations
from pulumi_bulknumbers.preview import show_numbers
from pulumi_bulknumbers.recovery import Recovery
from pulumi_bulknumbers.state import OrderRecord, OrderSlot, PoolState, needs_regroup


@dataclass
class PoolSteps:
    """One pool's lifecycle against Telnyx, for validated, normalized inputs `spec`."""

    ops: PoolOperations
    recovery: Recovery
    spec: Mapping[str, Any]
    timeout: float
    bought: list[BulkOrder] = field(default_factory=list)
    """Orders settled in this step, claimed once nothing else can fail."""

    # -- create -----------------------------------------------------------------------------

    def create(self) -> PoolState:
        """Buy (or adopt) the declared groups as one bulk order and wait for it."""
        state = PoolState()
        groups = list(self.spec["ordering_groups"])
        slots = [OrderSlot(group_key(g), dict(g)) for g in groups]
        request = to_request(self.spec, self.ops.reference)
        adopt_id = self.spec.get("adopt_order_id")
        if adopt_id:
            order = self.ops.adopt(adopt_id, request)
        else:
            order = self.recovery.purchase(request)
            self.ops.log(f"{self.ops.name}: bulk order {order.id} for {request_total(order)}")
        self._buy(state, order, slots, must_buy=True)
        if self.spec.get("deletion_lock") and state.ids:
            self.ops.apply_settings(sorted(state.ids), {"deletion_lock_enabled": True})
        self._claim()
        return state

    # -- read -------------------------------------------------------------------------------

    def read(self, state: PoolState, outs: Mapping[str, Any]) -> PoolState | None:
        """Refresh: finish settling orders that ended, drop numbers released outside Pulumi.

        None when the pool's first order no longer exists (the resource is gone). Writes
        nothing to numbers: orders whose groups replace numbers are left for the next update;
        an order settled here is claimed (marked as recorded), since this read records it.
        """
        for record in list(state.orders):
            if not record.in_flight and record is not state.orders[0]:
                continue
            try:
                order = self.ops.client.get_bulk_order(record.order_id)
            except NotFoundError:
                if record is state.orders[0]:
                    return None
                continue
            if not record.in_flight:
                continue
            if order.done and self._claimed_elsewhere(state, record, order):
                continue
            if order.done and not any(s.replace for s in record.slots):
                self._settle(state, record, order, relabel=False)
            elif not order.done:
                record.status = order.status
        self._regroup(state, outs)
        owned = self.ops.owned(state.ids)
        self._warn_dropped(state.keep_only(owned))
        self._claim()  # the order is recorded once this read is
        return state

    # -- update -----------------------------------------------------------------------------

    def update(self, state: PoolState, olds: Mapping[str, Any]) -> PoolState:
        """Finish running orders, then bring the pool in line with the declared groups."""
        if not self._resume(state):
            return state
        self._regroup(state, olds)
        change = plan_pool(state, self.spec["ordering_groups"])
        locked_before, locked_after = (
            bool(olds.get("deletion_lock")),
            bool(self.spec.get("deletion_lock")),
        )
        releasing = [n for r in (*change.releases, *change.replaced) for n in r.numbers]
        if releasing and locked_before and locked_after:
            raise ReleaseError(
                f"{self.ops.name}: deletion_lock is on, and this change would release "
                f"{len(releasing)} numbers ({show_numbers(releasing)}). Nothing was bought or "
                "released. Set deletion_lock=False in the same change (or first) to allow it.",
                numbers=releasing,
            )
        for old_key, new_key in change.renames:
            held = state.groups.pop(old_key)
            held.key = new_key
            state.groups[new_key] = held
        self._apply_settings(state, olds, set(releasing))
        if locked_before and not locked_after and state.ids:
            self.ops.apply_settings(sorted(state.ids), {"deletion_lock_enabled": False})
        before = set(state.ids)
        if change.purchases:
            self._top_up(state, change)
        self._release(state, change)
        self._adopt_declared(state)
        if locked_after:
            lock = sorted(state.ids) if not locked_before else sorted(set(state.ids) - before)
            if lock:
                self.ops.apply_settings(lock, {"deletion_lock_enabled": True})
        self._claim()
        return state

    def _resume(self, state: PoolState) -> bool:
        """Wait for orders still running; False when one still is after the timeout."""
        for record in state.pending():
            try:
                order = self.ops.client.get_bulk_order(record.order_id)
            except NotFoundError:
                self.ops.warn(f"{self.ops.name}: bulk order {record.order_id} no longer exists")
                record.status = "failed"
                continue
            outcome = self.ops.wait(order, self.timeout)
            if not outcome.finished:
                record.status = outcome.value.status
                self.ops.warn(still_running(self.ops.name, order.id, outcome.waited))
                return False
            if self._claimed_elsewhere(state, record, outcome.value):
                continue
            if outcome.value.count_allocated == 0:
                self.ops.warn(f"{self.ops.name}: bulk order {order.id} ended without buying")
            self._release_replaced(state, self._settle(state, record, outcome.value))
        return True

    def _top_up(self, state: PoolState, change: PoolChange) -> None:
        groups = [dict(p.group, count_requested=p.count) for p in change.purchases]
        slots = [OrderSlot(p.key, dict(p.group), p.replace) for p in change.purchases]
        request = to_request(self.spec, self.ops.reference, groups)
        self.recovery.exclude = set(state.order_ids)
        order = self.recovery.purchase(request)
        total = sum(p.count for p in change.purchases)
        self.ops.log(f"{self.ops.name}: top-up bulk order {order.id} for {total} numbers")
        self._buy(state, order, slots, must_buy=True)

    def _release(self, state: PoolState, change: PoolChange) -> None:
        for release in change.releases:
            self.ops.log(f"{self.ops.name}: {release.reason}: releasing {len(release.numbers)}")
            ids = {n: state.ids[n] for n in release.numbers if n in state.ids}
            state.drop_numbers(self.ops.release(ids))
            if release.key in state.groups and not state.groups[release.key].numbers:
                declared = {group_key(g) for g in self.spec["ordering_groups"]}
                if release.key not in declared:
                    del state.groups[release.key]

    def _adopt_declared(self, state: PoolState) -> None:
        """Record each declared group as applied (count, strategy...) unless a purchase for it
        is still running or its criteria change did not happen."""
        pending = {s.key for o in state.pending() for s in o.slots}
        for group in self.spec["ordering_groups"]:
            key = group_key(group)
            held = state.groups.get(key)
            if held is not None and key not in pending and _same_criteria(held.group, group):
                held.group = dict(group)

    def _apply_settings(
        self, state: PoolState, olds: Mapping[str, Any], releasing: set[str]
    ) -> None:
        before, after = effective_settings(olds), effective_settings(self.spec)
        changes = {k: v for k, v in after.items() if before.get(k) != v}
        kept = sorted(set(state.ids) - releasing)
        if changes and kept:
            # Only numbers still owned: a job naming a released number is refused whole.
            owned = self.ops.owned(kept)
            self._warn_dropped(state.keep_only({**owned, **_only(state.ids, releasing)}))
            self.ops.apply_settings(sorted(owned), changes)
        self.ops.reference = after["customer_reference"] or self.ops.reference

    # -- delete -----------------------------------------------------------------------------

    def delete(self, state: PoolState) -> None:
        """Release every number, after orders still running have finished."""
        if self.spec.get("deletion_lock"):
            raise ReleaseError(
                f"{self.ops.name}: deletion_lock is on, so its {len(state.ids)} numbers cannot "
                "be released. Nothing was released. Set deletion_lock=False and run `pulumi up` "
                "first, or keep the numbers with `retain_on_delete`.",
                numbers=sorted(state.ids),
            )
        for record in state.pending():
            try:
                order = self.ops.client.get_bulk_order(record.order_id)
            except NotFoundError:
                continue
            outcome = self.ops.wait(order, self.timeout)
            if not outcome.finished:
                raise OrderFailedError(
                    f"{self.ops.name}: bulk order {order.id} is still running, and numbers it "
                    "buys later would be left behind. Run `pulumi destroy` again once it has "
                    "finished."
                )
            if not self._claimed_elsewhere(state, record, outcome.value):
                self._settle(state, record, outcome.value)
        self._claim()  # a destroyed pool's orders are never adopted later
        self.ops.release(state.ids)

    # -- shared -----------------------------------------------------------------------------

    def _buy(
        self, state: PoolState, order: BulkOrder, slots: list[OrderSlot], *, must_buy: bool
    ) -> None:
        record = OrderRecord(order.id, order.status, slots, order.created_at, order.updated_at)
        state.orders.append(record)
        outcome = self.ops.wait(order, self.timeout)
        if not outcome.finished:
            record.status = outcome.value.status
            self.ops.warn(still_running(self.ops.name, order.id, outcome.waited))
            return
        if must_buy:
            self.ops.check_outcome(outcome.value)
        self._release_replaced(state, self._settle(state, record, outcome.value))

    def _settle(
        self, state: PoolState, record: OrderRecord, order: BulkOrder, *, relabel: bool = True
    ) -> dict[str, list[str]]:
        """Put a finished order's numbers into their groups; return the numbers its replacing
        groups make obsolete, by key (released by the caller)."""
        record.status, record.updated_at = order.status, order.updated_at
        per_group = self.ops.resolve(order, relabel=relabel)
        obsolete: dict[str, list[str]] = {}
        for i, slot in enumerate(record.slots):
            report = order.ordering_groups[i] if i < len(order.ordering_groups) else None
            bought = per_group[i] if i < len(per_group) else {}
            held = state.group_for(slot)
            if report is not None:
                held.status, held.error_reason = report.status, report.error_reason
            if slot.replace and bought:
                obsolete[slot.key] = [n for n in held.numbers if n not in bought]
            if bought or not slot.replace:
                held.group = dict(slot.group)
            state.add_numbers(slot.key, bought)
        for ids, more in (
            (state.number_order_ids, order.number_order_ids),
            (state.sub_number_order_ids, order.sub_number_order_ids),
        ):
            ids.extend(i for i in more if i not in ids)
        self.bought.append(order)
        return obsolete

    def _release_replaced(self, state: PoolState, obsolete: Mapping[str, list[str]]) -> None:
        for key, numbers in obsolete.items():
            if numbers:
                self.ops.log(
                    f"{self.ops.name}: new numbers bought for group {key.split(':', 1)[-1]}; "
                    f"releasing its {len(numbers)} numbers with the old criteria"
                )
                state.drop_numbers(self.ops.release({n: state.ids[n] for n in numbers}))

    def _regroup(self, state: PoolState, outs: Mapping[str, Any]) -> None:
        """Split a 0.1 state's numbers into groups using its order's number orders."""
        if not needs_regroup(state, outs) or not state.orders:
            return
        order = self.ops.client.get_bulk_order(state.orders[0].order_id)
        per_group = self.ops.bought_by_group(order)
        for held in state.groups.values():
            held.numbers = []
        for slot, numbers in zip(state.orders[0].slots, per_group, strict=False):
            state.groups[slot.key].numbers = sorted(n for n in numbers if n in state.ids)

    def _claimed_elsewhere(self, state: PoolState, record: OrderRecord, order: BulkOrder) -> bool:
        """Whether another pool recorded this order while it was running (a forced replace
        adopts a predecessor's order that was still pending); if so it leaves this pool, and
        its numbers are never released from here."""
        if not self.recovery.claimed(order):
            return False
        state.orders.remove(record)
        self.ops.warn(
            f"{self.ops.name}: bulk order {order.id} was still running when this pool was "
            "recorded and another pool has since recorded it; its numbers stay with that pool"
        )
        return True

    def _claim(self) -> None:
        self.recovery.claim(self.bought)
        self.bought = []

    def _warn_dropped(self, dropped: set[str]) -> None:
        if dropped:
            self.ops.warn(
                f"{self.ops.name}: {len(dropped)} numbers were released outside Pulumi and are "
                f"no longer part of the pool: {show_numbers(sorted(dropped))}"
            )


def _same_criteria(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return criteria(a) == criteria(b)


def _only(ids: Mapping[str, str], numbers: set[str]) -> dict[str, str]:
    return {n: ids[n] for n in numbers if n in ids}


def request_total(order: BulkOrder) -> str:
    return f"{order.count_requested} numbers"


def still_running(name: str, order_id: str, waited: float) -> str:
    return (
        f"{name}: bulk order {order_id} is still running after {waited:.0f}s; it is recorded "
        "as it stands, and the next `pulumi up` resumes waiting for it."
    )
