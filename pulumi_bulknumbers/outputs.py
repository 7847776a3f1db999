"""The resource's outputs, built from what Telnyx reports: pure functions, no network."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pulumi_bulknumbers.models import BulkOrder, OrderingGroup

IN_FLIGHT = frozenset({"pending", "processing"})
"""Stored order statuses that mean Telnyx is still working: the next up resumes waiting."""


def _stamp(value: datetime | str | None) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def group_outputs(group: OrderingGroup) -> dict[str, Any]:
    """One group as the `groups` output shows it."""
    return {
        "status": group.status,
        "country_iso": group.country_iso,
        "phone_number_type": group.phone_number_type,
        "count_requested": group.count_requested,
        "count_allocated": group.count_allocated,
        "error_reason": group.error_reason,
        "orders": [
            {
                "number_order_id": o.number_order_id,
                "sub_number_order_ids": list(o.sub_number_order_ids),
            }
            for o in group.orders
        ],
    }


def order_outputs(order: BulkOrder) -> dict[str, Any]:
    """The order-level outputs: status folded from the groups, totals, ids, timestamps."""
    return {
        "order_id": order.id,
        "status": order.status,
        "count_requested": order.count_requested,
        "count_allocated": order.count_allocated,
        "groups": [group_outputs(g) for g in order.ordering_groups],
        "number_order_ids": sorted(order.number_order_ids),
        "sub_number_order_ids": sorted(order.sub_number_order_ids),
        "created_at": _stamp(order.created_at),
        "updated_at": _stamp(order.updated_at),
    }


def number_outputs(numbers: Mapping[str, str]) -> dict[str, list[str]]:
    """`phone_numbers` sorted, and `phone_number_ids` in the same order."""
    ordered = sorted(numbers)
    return {"phone_numbers": ordered, "phone_number_ids": [numbers[n] for n in ordered]}


def numbers_from_outputs(outs: Mapping[str, Any]) -> dict[str, str]:
    """The numbers a stored state owns, E.164 → phone-number id."""
    numbers = outs.get("phone_numbers") or []
    ids = outs.get("phone_number_ids") or []
    return dict(zip(numbers, ids, strict=False))


def progress_line(name: str, order: BulkOrder) -> str:
    """A one-line progress report, e.g. `pool: 1/3 groups done (1 success), 2 processing; 5/18`."""
    groups = order.ordering_groups
    counts: dict[tuple[bool, str], int] = {}
    for g in groups:
        counts[g.done, g.status] = counts.get((g.done, g.status), 0) + 1
    done = sum(g.done for g in groups)
    ended = ", ".join(f"{n} {s}" for (fin, s), n in sorted(counts.items()) if fin)
    running = ", ".join(f"{n} {s}" for (fin, s), n in sorted(counts.items()) if not fin)
    line = f"{name}: {done}/{len(groups)} groups done"
    if ended:
        line += f" ({ended})"
    if running:
        line += f", {running}"
    return f"{line}; {order.count_allocated}/{order.count_requested} numbers allocated"


def failure_summary(order: BulkOrder) -> str:
    """Each group that did not fully succeed, with Telnyx's reason."""
    parts = []
    for i, g in enumerate(order.ordering_groups, start=1):
        if g.status == "success":
            continue
        reason = g.error_reason or "no reason given"
        parts.append(
            f"group {i} ({g.country_iso} {g.phone_number_type}): {g.status}, "
            f"{g.count_allocated}/{g.count_requested} allocated: {reason}"
        )
    return "; ".join(parts)
