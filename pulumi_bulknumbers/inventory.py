"""The opt-in inventory check at preview: can Telnyx fill each group that will buy numbers?

Turned on per pool (`inventory_check=True`) or for a stack (`pulumi config set
telnyx:inventoryCheck true`), it is the one network call check makes. For every group that will
buy (a new group, a grown count, new criteria) it asks the inventory coverage API how many
numbers match. A `never` group that cannot be filled is a CheckFailure: its order would buy
nothing. An `always` group gets a warning with the expected shortfall. The whole check is
bounded in time, and when the coverage API fails the preview warns and goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.errors import BulkNumbersError
from pulumi_bulknumbers.groups import criteria, group_key, group_label
from pulumi_bulknumbers.inputs import Failure

TIME_BUDGET = 10.0
"""Seconds the whole check may take before it gives up with a warning."""
COVERED_FEATURES = ("sms", "mms", "voice", "fax", "emergency")
"""Features the coverage API can filter on."""


@dataclass
class InventoryReport:
    """What the check found: failures for check, warnings for the log."""

    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def needed(
    olds: Mapping[str, Any], news: Mapping[str, Any]
) -> list[tuple[int, dict[str, Any], int]]:
    """(index, group, numbers to buy) for each declared group that will buy numbers.

    Compared with the previous inputs only (check sees no outputs): a new group or new
    criteria buy the whole count, a grown count the difference.
    """
    before = {group_key(g): g for g in olds.get("ordering_groups") or []}
    now = {group_key(g) for g in news.get("ordering_groups") or []}
    # A group renamed with the same criteria is the same group (see plan._renames).
    unmatched = [g for k, g in before.items() if k not in now]
    out = []
    for i, group in enumerate(news.get("ordering_groups") or []):
        old = before.get(group_key(group))
        if old is None:
            old = next((g for g in unmatched if criteria(g) == criteria(group)), None)
            if old is not None:
                unmatched.remove(old)
        count = int(group["count_requested"])
        if old is None or criteria(old) != criteria(group):
            out.append((i, dict(group), count))
        elif count > int(old.get("count_requested") or 0):
            out.append((i, dict(group), count - int(old["count_requested"])))
    return out


def available(client: BulkNumbersClient, group: Mapping[str, Any]) -> int:
    """How many numbers the coverage API reports for the group's criteria."""
    ndc = group.get("national_destination_code")
    features = [f for f in group.get("features") or [] if f in COVERED_FEATURES]
    coverage = client.inventory_coverage(
        country_code=group["country_iso"],
        phone_number_type=group["phone_number_type"],
        group_by="npa",
        npa=ndc,
        administrative_area=group.get("administrative_area"),
        features=features or None,
    )
    return sum(c.count or 0 for c in coverage if not ndc or c.group == ndc)


def check_inventory(
    client: BulkNumbersClient,
    name: str,
    wants: Sequence[tuple[int, dict[str, Any], int]],
    *,
    clock: Callable[[], float] = time.monotonic,
) -> InventoryReport:
    """Ask the coverage API about each group; never raise."""
    report = InventoryReport()
    start = clock()
    for i, group, count in wants:
        if clock() - start > TIME_BUDGET:
            report.warnings.append(
                f"{name}: inventory check stopped after {TIME_BUDGET:.0f}s; the other groups "
                "were not checked"
            )
            break
        try:
            have = available(client, group)
        except BulkNumbersError as exc:
            report.warnings.append(
                f"{name}: inventory check skipped: the coverage API failed ({exc})"
            )
            break
        if have >= count:
            continue
        label = group_label(group)
        if group.get("strategy") == "never":
            report.failures.append(
                Failure(
                    f"ordering_groups[{i}].count_requested",
                    f"group {label} needs {count} numbers but Telnyx has {have} matching; with "
                    "strategy 'never' its order would buy nothing. Ask for fewer, widen the "
                    "criteria, or use strategy 'always'",
                )
            )
        else:
            report.warnings.append(
                f"{name}: group {label} needs {count} numbers but Telnyx has {have} matching; "
                f"expect a shortfall of {count - have}"
            )
    return report
