"""Recording what orders bought: the bookkeeping every lifecycle step shares.

`Bookkeeping` waits for an order, puts the numbers each of its groups bought into the pool's
groups, releases what a criteria change made obsolete, and claims the orders it recorded (the
claim is the last network step of a run, see `recovery.py`). It also knows when an order
belongs to another pool instance, so its numbers are never released from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_bulknumbers.groups import criteria, group_key
from pulumi_bulknumbers.models import BulkOrder
from pulumi_bulknumbers.pool import PoolOperations
from pulumi_bulknumbers.preview import show_numbers
from pulumi_bulknumbers.recovery import Recovery, claim_target
from pulumi_bulknumbers.state import OrderRecord, OrderSlot, PoolState, needs_regroup


@dataclass
class Bookkeeping:
    """Shared steps of a pool's lifecycle, for validated, normalized inputs `spec`."""

    ops: PoolOperations
    recovery: Recovery
    spec: Mapping[str, Any]
    timeout: float
    bought: list[BulkOrder] = field(default_factory=list)
    """Orders settled in this step, claimed once nothing else can fail."""

    def declared(self) -> dict[str, dict[str, Any]]:
        """The declared groups by key."""
        return {group_key(g): dict(g) for g in self.spec.get("ordering_groups") or []}

    def buy(self, state: PoolState, order: BulkOrder, slots: list[OrderSlot]) -> None:
        """Track a bought (or adopted) order, wait for it, and record what it bought.

        An order that ended without buying anything fails the step (nothing was charged, and
        such an order is never adopted later). One still running after the timeout is
        recorded as it stands, with a warning.
        """
        record = OrderRecord(order.id, order.status, slots, order.created_at, order.updated_at)
        state.orders.append(record)
        outcome = self.ops.wait(order, self.timeout)
        if not outcome.finished:
            record.status = outcome.value.status
            self.ops.warn(still_running(self.ops.name, order.id, outcome.waited))
            return
        self.ops.check_outcome(outcome.value)
        self.release_obsolete(state, self.settle(state, record, outcome.value))

    def settle(
        self, state: PoolState, record: OrderRecord, order: BulkOrder, *, relabel: bool = True
    ) -> dict[str, list[str]]:
        """Put a finished order's numbers into their groups; return the numbers its replacing
        groups make obsolete, by key (released by the caller).

        A replacing group whose change the program has since undone (its declared criteria are
        the old ones again) is not a replacement any more: its new numbers join the group as
        a surplus, which the plan then releases newest first.
        """
        record.status, record.updated_at = order.status, order.updated_at
        record.claim_target = claim_target(order)
        per_group = self.ops.resolve(order, relabel=relabel)
        declared = self.declared()
        obsolete: dict[str, list[str]] = {}
        for i, slot in enumerate(record.slots):
            report = order.ordering_groups[i] if i < len(order.ordering_groups) else None
            bought = per_group[i] if i < len(per_group) else {}
            held = state.group_for(slot)
            if report is not None:
                held.status, held.error_reason = report.status, report.error_reason
            wanted = declared.get(slot.key)
            undone = wanted is not None and criteria(wanted) != criteria(slot.group)
            if slot.replace and bought and not undone:
                obsolete[slot.key] = [n for n in held.numbers if n not in bought]
            if (bought or not slot.replace) and not (slot.replace and undone):
                held.group = dict(slot.group)
            state.add_numbers(slot.key, bought)
        for ids, more in (
            (state.number_order_ids, order.number_order_ids),
            (state.sub_number_order_ids, order.sub_number_order_ids),
        ):
            ids.extend(i for i in more if i not in ids)
        self.bought.append(order)
        return obsolete

    def release_obsolete(self, state: PoolState, obsolete: Mapping[str, list[str]]) -> None:
        """Release a group's numbers bought with criteria it no longer has."""
        for key, numbers in obsolete.items():
            if numbers:
                self.ops.log(
                    f"{self.ops.name}: new numbers bought for group {key.split(':', 1)[-1]}; "
                    f"releasing its {len(numbers)} numbers with the old criteria"
                )
                state.drop_numbers(self.ops.release({n: state.ids[n] for n in numbers}))

    def regroup(self, state: PoolState, outs: Mapping[str, Any]) -> None:
        """Split a 0.1 state's numbers into groups using its order's number orders."""
        if not needs_regroup(state, outs) or not state.orders:
            return
        order = self.ops.client.get_bulk_order(state.orders[0].order_id)
        per_group = self.ops.bought_by_group(order)
        for held in state.groups.values():
            held.numbers = []
        for slot, numbers in zip(state.orders[0].slots, per_group, strict=False):
            state.groups[slot.key].numbers = sorted(n for n in numbers if n in state.ids)

    def claimed_elsewhere(self, state: PoolState, record: OrderRecord, order: BulkOrder) -> bool:
        """Whether another pool instance recorded this order (a forced replace adopted it, or
        it was adopted by id); if so it leaves this pool with its numbers."""
        claimer = self.recovery.claimer(claim_target(order))
        if claimer is None or claimer == state.instance:
            return False
        state.orders.remove(record)
        if not record.in_flight:  # settled here before: its numbers are in this state
            state.drop_numbers(set().union(*self.ops.bought_by_group(order)))
        self.ops.warn(
            f"{self.ops.name}: bulk order {order.id} is now recorded by another pool (a "
            "replacement, or a pool that adopted it by id); its numbers stay with that pool "
            "and are not released from here"
        )
        return True

    def claim(self, state: PoolState) -> None:
        """Mark every order settled in this step as recorded by this pool instance."""
        self.recovery.claim(self.bought, state.instance)
        self.bought = []

    def warn_dropped(self, dropped: set[str]) -> None:
        if dropped:
            self.ops.warn(
                f"{self.ops.name}: {len(dropped)} numbers were released outside Pulumi and are "
                f"no longer part of the pool: {show_numbers(sorted(dropped))}"
            )


def still_running(name: str, order_id: str, waited: float) -> str:
    return (
        f"{name}: bulk order {order_id} is still running after {waited:.0f}s; it is recorded "
        "as it stands, and the next `pulumi up` resumes waiting for it."
    )
