"""Progress and failure text for an order, from what Telnyx reports: pure, no network."""

from __future__ import annotations

from pulumi_bulknumbers.models import BulkOrder


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
        reason = (g.error_reason or "no reason given").rstrip(".")
        parts.append(
            f"group {i} ({g.country_iso} {g.phone_number_type}): {g.status}, "
            f"{g.count_allocated}/{g.count_requested} allocated: {reason}"
        )
    return "; ".join(parts)
