"""What a change to a pool's inputs means, decided without the network (diff and preview).

Settings change in place on every number; a pending fulfilment shows as a change so the next
`up` resumes waiting; a change to what the pool owns (its ordering groups) replaces the pool:
the new order is bought first, then the old numbers are released.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_bulknumbers.inputs import SETTINGS, TOP_KEYS, is_unknown, normalize
from pulumi_bulknumbers.models import BulkOrderRequest, OrderingGroupRequest, PhoneNumberPattern
from pulumi_bulknumbers.outputs import IN_FLIGHT
from pulumi_bulknumbers.pool import default_reference

IN_PLACE = (*SETTINGS, "wait_timeout_seconds")
"""Inputs whose change updates the pool in place."""
REPLACING = ("ordering_groups", "adopt_order_id")
"""Inputs whose change buys a new pool (until pools change in place, group by group)."""


@dataclass(frozen=True)
class Plan:
    """The properties a change touches, and whether a pending order needs resuming."""

    changes: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    resume: bool = False


def declared(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Only the declared inputs of a props mapping (outputs and `__provider` left out)."""
    return {k: v for k, v in spec.items() if k in TOP_KEYS and v is not None}


def effective_settings(spec: Mapping[str, Any]) -> dict[str, str | None]:
    """The settings the numbers carry: the declared ones, and the pool's label by default."""
    settings: dict[str, str | None] = {k: spec.get(k) for k in SETTINGS}
    if not settings["customer_reference"] and spec.get("pool_key"):
        settings["customer_reference"] = default_reference(str(spec["pool_key"]))
    return settings


def to_request(spec: Mapping[str, Any], reference: str) -> BulkOrderRequest:
    """The bulk order to POST for validated, normalized inputs."""
    groups = []
    for group in spec["ordering_groups"]:
        fields = dict(group)
        pattern = fields.pop("phone_number", None)
        groups.append(
            OrderingGroupRequest(
                **fields, phone_number=PhoneNumberPattern(**pattern) if pattern else None
            )
        )
    settings = {k: spec.get(k) for k in SETTINGS if k != "customer_reference"}
    return BulkOrderRequest(ordering_groups=groups, customer_reference=reference, **settings)


def plan_diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Plan:
    """Compare the stored inputs (in the old outputs) with the new ones. No network."""
    old, new = declared(normalize(olds)), declared(normalize(news))
    changes = [k for k in IN_PLACE if _differs(old.get(k), new.get(k))]
    replaces = [k for k in REPLACING if _differs(old.get(k), new.get(k))]
    if "adopt_order_id" in replaces and new.get("adopt_order_id") == olds.get("order_id"):
        replaces.remove("adopt_order_id")  # adopting the order the pool already has
    resume = olds.get("status") in IN_FLIGHT
    if resume and not changes:
        changes.append("status")
    return Plan(changes=changes, replaces=replaces, resume=resume)


def _differs(old: Any, new: Any) -> bool:
    return is_unknown(new) or old != new


def describe_changes(name: str, olds: Mapping[str, Any], plan: Plan) -> str:
    """The preview's sentence for a pool: what an update would buy, change or release."""
    owned = len(olds.get("phone_numbers") or [])
    parts = []
    if plan.replaces:
        parts.append(
            f"{', '.join(plan.replaces)} changed: a new order is bought first, then the "
            f"{owned} numbers owned now are released"
        )
    if plan.resume:
        parts.append(f"order {olds.get('order_id')} is still {olds.get('status')}: resume waiting")
    settings = [k for k in plan.changes if k in SETTINGS]
    if settings and not plan.replaces:
        parts.append(f"{', '.join(settings)} will change on {owned} numbers, in place")
    if "wait_timeout_seconds" in plan.changes and not parts:
        parts.append("wait_timeout_seconds changes (nothing bought or released)")
    return f"{name}: " + "; ".join(parts)
