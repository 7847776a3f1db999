"""The lifecycle steps of a pool, in Telnyx terms: create, read, update and delete a PoolState.

`provider.py` turns Pulumi props into these calls and their results back into props; this
module decides the order of the network steps. The rules that matter for money and numbers:
- every purchase goes through `Recovery.purchase` (never buy twice); its request lists groups
  in key order, so a retry after a crash asks for the same thing even if the list was
  reordered; a recorded order is claimed as the very last step;
- new numbers are bought before old ones are released, and a release the deletion lock
  forbids is refused before anything is bought or released;
- a changed customer_reference moves to the numbers last, after everything that can fail, so
  a failed run leaves every number under the label its stored state looks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_bulknumbers.bookkeeping import Bookkeeping, still_running
from pulumi_bulknumbers.errors import NotFoundError, OrderFailedError, ReleaseError
from pulumi_bulknumbers.groups import criteria, group_key
from pulumi_bulknumbers.plan import PoolChange, effective_settings, plan_pool, to_request
from pulumi_bulknumbers.pool import DECLARED_GROUP_KEYS
from pulumi_bulknumbers.preview import show_numbers
from pulumi_bulknumbers.recovery import claim_target
from pulumi_bulknumbers.state import OrderRecord, OrderSlot, PoolState


@dataclass
class PoolSteps(Bookkeeping):
    """One pool's lifecycle against Telnyx."""

    deferred: bool = False
    """Set by `update` when an order still running kept it from applying the change."""

    def __enter__(self) -> PoolSteps:
        return self

    def __exit__(self, *_: object) -> None:
        self.ops.client.close()

    def imported(self, order_id: str) -> tuple[dict[str, Any], PoolState]:
        """Inputs and state for an order read by id (`ResourceOptions(id=...)`): its groups as
        the program would declare them, its numbers found under the label they carry."""
        order = self.ops.client.get_bulk_order(order_id)
        spec = dict(self.spec)
        if not spec.get("customer_reference"):
            self.ops.reference = order.customer_reference or self.ops.reference
        if not spec.get("ordering_groups"):
            spec["ordering_groups"] = [
                {k: v for k in DECLARED_GROUP_KEYS if (v := getattr(g, k)) is not None}
                for g in order.ordering_groups
            ]
        self.spec = spec
        slots = [OrderSlot(group_key(g), dict(g)) for g in spec["ordering_groups"]]
        record = OrderRecord(order.id, "processing", slots, order.created_at)
        return spec, PoolState(orders=[record])

    # -- create -----------------------------------------------------------------------------

    def create(self) -> PoolState:
        """Buy (or adopt) the declared groups as one bulk order and wait for it."""
        state = PoolState()
        adopt_id = self.spec.get("adopt_order_id")
        groups = list(self.spec["ordering_groups"])
        if not adopt_id:
            groups.sort(key=group_key)  # a retry after a reorder asks for the same order
        slots = [OrderSlot(group_key(g), dict(g)) for g in groups]
        request = to_request(self.spec, self.ops.reference, groups)
        if adopt_id:
            order = self.ops.adopt(adopt_id, request)
            if self.recovery.claimer(claim_target(order)) is not None:
                self.ops.warn(
                    f"{self.ops.name}: bulk order {order.id} was recorded by another pool; this "
                    "pool takes it over, and that pool will not release its numbers"
                )
        else:
            order = self.recovery.purchase(request)
            self.ops.log(f"{self.ops.name}: bulk order {order.id} for {order.count_requested}")
        self.buy(state, order, slots)
        if self.spec.get("deletion_lock") and state.ids:
            self.ops.apply_settings(sorted(state.ids), {"deletion_lock_enabled": True})
        self.claim(state)
        return state

    # -- read -------------------------------------------------------------------------------

    def read(
        self, state: PoolState, outs: Mapping[str, Any], *, imported: bool = False
    ) -> PoolState | None:
        """Refresh: settle orders that ended, drop numbers released outside Pulumi.

        None when every order of the pool is gone and it owns no number (the resource is
        gone). Orders whose groups replace numbers are left for the next update. An order
        settled here is claimed, since this read records it, and with `deletion_lock` on its
        numbers get the lock; a pool read by id (`imported`) is only looked at.
        """
        before = set(state.ids)
        missing = 0
        for record in list(state.orders):
            try:
                order = self.ops.client.get_bulk_order(record.order_id)
            except NotFoundError:
                missing += 1
                continue
            if not record.in_flight or (
                not imported and self.claimed_elsewhere(state, record, order)
            ):
                continue
            if order.done and not any(s.replace for s in record.slots):
                self.settle(state, record, order, relabel=False)
            elif not order.done:
                record.status = order.status
        self.regroup(state, outs)
        self.warn_dropped(state.keep_only(self.ops.owned(state.ids)))
        if state.orders and missing == len(state.orders) and not state.ids:
            return None
        if imported:
            self.bought = []
            return state
        settled = sorted(set(state.ids) - before)
        if settled and self.spec.get("deletion_lock"):
            self.ops.apply_settings(settled, {"deletion_lock_enabled": True})
        self.claim(state)
        return state

    # -- update -----------------------------------------------------------------------------

    def update(self, state: PoolState, olds: Mapping[str, Any]) -> PoolState:
        """Finish running orders, then bring the pool in line with the declared groups.

        When an order is still running after the timeout, nothing else changes and
        `deferred` is set: the provider keeps the old inputs, so the next `up` tries again.
        """
        before = set(state.ids)  # numbers bought after this (resumed or topped up) need the lock
        if not self._resume(state):
            self.deferred = True
            return state
        self.regroup(state, olds)
        change = plan_pool(state, self.spec["ordering_groups"])
        locked_before = bool(olds.get("deletion_lock"))
        locked_after = bool(self.spec.get("deletion_lock"))
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
        label = self._apply_settings(state, olds, set(releasing))
        if locked_before and not locked_after and state.ids:
            self.ops.apply_settings(sorted(state.ids), {"deletion_lock_enabled": False})
        if change.purchases:
            self._top_up(state, change)
        self._release(state, change)
        self._adopt_declared(state)
        if locked_after:
            lock = sorted(state.ids) if not locked_before else sorted(set(state.ids) - before)
            if lock:
                self.ops.apply_settings(lock, {"deletion_lock_enabled": True})
        if label is not None and state.ids:
            self.ops.apply_settings(sorted(state.ids), {"customer_reference": label})
        self.claim(state)
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
                self.ops.warn(
                    still_running(self.ops.name, order.id, outcome.waited)
                    + " The rest of this change is applied once it has finished."
                )
                return False
            if self.claimed_elsewhere(state, record, outcome.value):
                continue
            if outcome.value.count_allocated == 0:
                self.ops.warn(f"{self.ops.name}: bulk order {order.id} ended without buying")
            self.release_obsolete(state, self.settle(state, record, outcome.value))
        return True

    def _top_up(self, state: PoolState, change: PoolChange) -> None:
        purchases = sorted(change.purchases, key=lambda p: p.key)
        groups = [dict(p.group, count_requested=p.count) for p in purchases]
        slots = [OrderSlot(p.key, dict(p.group), p.replace) for p in purchases]
        request = to_request(self.spec, self.ops.reference, groups)
        self.recovery.exclude = set(state.order_ids)
        self.recovery.instance = state.instance
        order = self.recovery.purchase(request, top_up=True)
        total = sum(p.count for p in purchases)
        self.ops.log(f"{self.ops.name}: top-up bulk order {order.id} for {total} numbers")
        self.buy(state, order, slots)

    def _release(self, state: PoolState, change: PoolChange) -> None:
        for release in change.releases:
            self.ops.log(f"{self.ops.name}: {release.reason}: releasing {len(release.numbers)}")
            ids = {n: state.ids[n] for n in release.numbers if n in state.ids}
            state.drop_numbers(self.ops.release(ids))

    def _adopt_declared(self, state: PoolState) -> None:
        """Record each declared group as applied (count, strategy...) unless a purchase for it
        is still running or its criteria change did not happen; forget undeclared groups
        that hold nothing."""
        pending = {s.key for o in state.pending() for s in o.slots}
        declared = self.declared()
        for key, group in declared.items():
            held = state.groups.get(key)
            if held is not None and key not in pending and criteria(held.group) == criteria(group):
                held.group = dict(group)
        for key in [k for k, h in state.groups.items() if k not in declared and not h.numbers]:
            if key not in pending:
                del state.groups[key]

    def _apply_settings(
        self, state: PoolState, olds: Mapping[str, Any], releasing: set[str]
    ) -> str | None:
        """Apply changed connection, messaging and billing settings to the kept numbers now;
        return the new label when customer_reference changes (moved last, by `update`)."""
        before, after = effective_settings(olds), effective_settings(self.spec)
        changes = {k: v for k, v in after.items() if before.get(k) != v}
        relabel = "customer_reference" in changes
        label = changes.pop("customer_reference", None)
        kept = sorted(set(state.ids) - releasing)
        if changes and kept:
            # Only numbers still owned: a job naming a released number is refused whole.
            owned = self.ops.owned(kept)
            self.warn_dropped(set(kept) - set(owned))
            state.drop_numbers(set(kept) - set(owned))
            self.ops.apply_settings(sorted(owned), changes)
        return (label or "") if relabel else None

    # -- delete -----------------------------------------------------------------------------

    def delete(self, state: PoolState) -> None:
        """Release every number, after orders still running have finished; never the numbers
        of an order another pool instance has since recorded."""
        if self.spec.get("deletion_lock"):
            raise ReleaseError(
                f"{self.ops.name}: deletion_lock is on, so its {len(state.ids)} numbers cannot "
                "be released. Nothing was released. Set deletion_lock=False and run `pulumi up` "
                "first, or keep the numbers with `retain_on_delete`.",
                numbers=sorted(state.ids),
            )
        for record in list(state.orders):
            if not record.in_flight:
                if self.recovery.claimer(record.claim_target) not in (None, state.instance):
                    order = self.ops.client.get_bulk_order(record.order_id)
                    self.claimed_elsewhere(state, record, order)
                continue
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
            if not self.claimed_elsewhere(state, record, outcome.value):
                self.settle(state, record, outcome.value)
        self.claim(state)  # a destroyed pool's orders are never adopted later
        self.ops.release(state.ids)
