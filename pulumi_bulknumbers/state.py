"""What a pool holds, as recorded in its outputs: groups of numbers and the orders that bought them.

`PoolState` is read from a resource's stored outputs and written back into them. It knows, for
each group key (see `groups.py`), the group as last applied (its criteria and target count) and
its numbers in purchase order, oldest first, so a shrink can release the newest. It also lists
every bulk order the pool tracks, with the group key each order group fills, so an order still
running when `up` ended can be finished by the next one.

Pure data and pure functions: no network.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_bulknumbers.groups import group_key

IN_FLIGHT = frozenset({"pending", "processing"})
"""Order statuses that mean Telnyx is still working: the next up resumes waiting."""


@dataclass
class HeldGroup:
    """One group's numbers and the declared group they were last brought in line with."""

    key: str
    group: dict[str, Any]
    """The declared group as last applied: its criteria and count_requested (the target)."""
    numbers: list[str] = field(default_factory=list)
    """E.164 numbers, oldest purchase first."""
    status: str | None = None
    """The status of this group in the latest order that bought for it."""
    error_reason: str | None = None

    @property
    def target(self) -> int:
        return int(self.group.get("count_requested") or 0)


@dataclass
class OrderSlot:
    """What one group of a bulk order is for: a group key, and whether it replaces its numbers."""

    key: str
    group: dict[str, Any]
    """The declared group the order group was bought for."""
    replace: bool = False
    """True when the group's criteria changed: once bought, the older numbers are released."""


@dataclass
class OrderRecord:
    """A bulk order the pool tracks; `slots[i]` says what its ordering group i is for."""

    order_id: str
    status: str
    slots: list[OrderSlot]
    created_at: str | None = None
    updated_at: str | None = None
    claim_target: str | None = None
    """Its first number order, which carries the claim mark (see `recovery.py`)."""

    @property
    def in_flight(self) -> bool:
        return self.status in IN_FLIGHT


@dataclass
class PoolState:
    """Everything a pool owns and tracks."""

    groups: dict[str, HeldGroup] = field(default_factory=dict)
    orders: list[OrderRecord] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    """E.164 number -> Telnyx phone-number id, for every number owned."""
    number_order_ids: list[str] = field(default_factory=list)
    sub_number_order_ids: list[str] = field(default_factory=list)
    instance: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    """This pool instance's id: what its claim marks carry (a replacement gets a new one)."""

    # -- queries ----------------------------------------------------------------------------

    @property
    def order_ids(self) -> list[str]:
        return [o.order_id for o in self.orders]

    def pending(self) -> list[OrderRecord]:
        """Orders still running at Telnyx."""
        return [o for o in self.orders if o.in_flight]

    def numbers(self) -> dict[str, str]:
        """Every owned number, E.164 -> id."""
        return dict(self.ids)

    # -- changes ----------------------------------------------------------------------------

    def add_numbers(self, key: str, numbers: Mapping[str, str]) -> None:
        """Append newly bought numbers to a group (after any it already holds)."""
        held = self.groups[key]
        fresh = sorted(n for n in numbers if n not in self.ids)
        held.numbers.extend(fresh)
        self.ids.update({n: numbers[n] for n in fresh})

    def drop_numbers(self, numbers: set[str] | frozenset[str]) -> None:
        """Forget numbers that were released (by us or outside Pulumi)."""
        if not numbers:
            return
        for held in self.groups.values():
            held.numbers = [n for n in held.numbers if n not in numbers]
        for number in numbers:
            self.ids.pop(number, None)

    def keep_only(self, owned: Mapping[str, str]) -> set[str]:
        """Drop every number not in `owned`; return the ones dropped."""
        gone = set(self.ids) - set(owned)
        self.drop_numbers(gone)
        return gone

    def group_for(self, slot: OrderSlot) -> HeldGroup:
        """The held group an order slot fills, created when new."""
        held = self.groups.get(slot.key)
        if held is None:
            held = self.groups[slot.key] = HeldGroup(slot.key, dict(slot.group))
        return held


# -- outputs ---------------------------------------------------------------------------------


def state_outputs(state: PoolState, declared_groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The resource's computed outputs for a pool state, groups in declared order."""
    declared = {group_key(g): g for g in declared_groups}
    extras = [k for k in state.groups if k not in declared]  # e.g. a removal that failed
    first = state.orders[0] if state.orders else None
    latest = state.orders[-1] if state.orders else None
    ordered = sorted(state.ids)
    position = {n: i for i, n in enumerate(ordered)}
    return {
        "order_id": first.order_id if first else None,
        "order_ids": state.order_ids,
        "instance_id": state.instance,
        "orders": [_order_out(o) for o in state.orders],
        "status": pool_status(state),
        "count_requested": sum(int(g.get("count_requested") or 0) for g in declared_groups),
        "count_allocated": len(state.ids),
        "groups": [
            _group_out(state.groups[k], position)
            if k in state.groups
            else _waiting_out(declared[k], state)
            for k in [*declared, *extras]
        ],
        "number_order_ids": list(state.number_order_ids),
        "sub_number_order_ids": list(state.sub_number_order_ids),
        "phone_numbers": ordered,
        "phone_number_ids": [state.ids[n] for n in ordered],
        "created_at": first.created_at if first else None,
        "updated_at": latest.updated_at if latest else None,
    }


def pool_status(state: PoolState) -> str | None:
    """A running order's status if any; else success, or the latest shortfall's status."""
    pending = state.pending()
    if pending:
        return pending[-1].status
    statuses = {g.status for g in state.groups.values() if g.status}
    if not statuses:
        return state.orders[-1].status if state.orders else None
    if statuses <= {"success"}:
        return "success"
    if statuses <= {"failed"}:
        return "failed"
    return "partial_success"


def _group_out(held: HeldGroup, position: Mapping[str, int]) -> dict[str, Any]:
    g = held.group
    return {
        "key": held.key,
        "name": g.get("name"),
        "country_iso": g.get("country_iso"),
        "phone_number_type": g.get("phone_number_type"),
        "count_requested": held.target,
        "count_allocated": len(held.numbers),
        "status": held.status,
        "error_reason": held.error_reason,
        "applied": g,
        # Which of `phone_numbers` the group holds, oldest purchase first, as positions in
        # one string: a list of the numbers again would cost each number a second entry.
        "number_positions": ",".join(str(position[n]) for n in held.numbers if n in position),
    }


def _waiting_out(group: Mapping[str, Any], state: PoolState) -> dict[str, Any]:
    """A declared group that holds nothing yet (its order is still running, say)."""
    key = group_key(group)
    running = [o.status for o in state.pending() for s in o.slots if s.key == key]
    return {
        "key": key,
        "name": group.get("name"),
        "country_iso": group.get("country_iso"),
        "phone_number_type": group.get("phone_number_type"),
        "count_requested": int(group.get("count_requested") or 0),
        "count_allocated": 0,
        "status": running[-1] if running else None,
        "error_reason": None,
        "applied": None,  # not held: nothing was bought for it yet
        "number_positions": "",
    }


def group_members(group: Mapping[str, Any], phone_numbers: Sequence[str]) -> list[str]:
    """A group's numbers (oldest purchase first) from its `number_positions` output.

    >>> group_members({"number_positions": "2,0"}, ["+1a", "+1b", "+1c"])
    ['+1c', '+1a']
    """
    text = group.get("number_positions") or ""
    return [phone_numbers[int(i)] for i in text.split(",") if i and int(i) < len(phone_numbers)]


def _order_out(order: OrderRecord) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "status": order.status,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "claim_target": order.claim_target,
        "slots": [{"key": s.key, "group": s.group, "replace": s.replace} for s in order.slots],
    }


def state_from_outputs(outs: Mapping[str, Any]) -> PoolState:
    """The pool state stored in a resource's outputs (also reads the 0.1 single-order shape)."""
    numbers = outs.get("phone_numbers") or []
    ids = dict(zip(numbers, outs.get("phone_number_ids") or [], strict=False))
    state = PoolState(
        ids=ids,
        number_order_ids=list(outs.get("number_order_ids") or []),
        sub_number_order_ids=list(outs.get("sub_number_order_ids") or []),
    )
    if outs.get("instance_id"):
        state.instance = str(outs["instance_id"])
    if outs.get("orders") is not None:
        for o in outs["orders"]:
            slots = [
                OrderSlot(s["key"], dict(s["group"]), bool(s.get("replace")))
                for s in o.get("slots") or []
            ]
            state.orders.append(
                OrderRecord(
                    o["order_id"],
                    o["status"],
                    slots,
                    o.get("created_at"),
                    o.get("updated_at"),
                    o.get("claim_target"),
                )
            )
        for g in outs.get("groups") or []:
            if g.get("applied") is None:
                continue  # declared, holds nothing yet
            state.groups[g["key"]] = HeldGroup(
                g["key"],
                dict(g.get("applied") or {}),
                group_members(g, numbers),
                g.get("status"),
                g.get("error_reason"),
            )
        return state
    return _legacy_state(outs, state)


def _legacy_state(outs: Mapping[str, Any], state: PoolState) -> PoolState:
    """State written by 0.1 (one order, numbers not split by group).

    Each declared group becomes a held group; the numbers go to the first one until
    `PoolOperations` reassigns them from the order's number orders (`needs_regroup`).
    """
    declared = [dict(g) for g in outs.get("ordering_groups") or []]
    reported = outs.get("groups") or []
    slots = [OrderSlot(group_key(g), g) for g in declared]
    if outs.get("order_id"):
        state.orders.append(
            OrderRecord(
                outs["order_id"],
                outs.get("status") or "pending",
                slots,
                outs.get("created_at"),
                outs.get("updated_at"),
            )
        )
    for i, slot in enumerate(slots):
        held = state.group_for(slot)
        if i < len(reported):
            held.status = reported[i].get("status")
            held.error_reason = reported[i].get("error_reason")
    if slots and not state.pending():
        state.groups[slots[0].key].numbers = sorted(state.ids)
    return state


def needs_regroup(state: PoolState, outs: Mapping[str, Any]) -> bool:
    """Whether numbers must be reassigned to groups from the order (0.1 state, several groups)."""
    return outs.get("orders") is None and len(state.groups) > 1 and bool(state.ids)
