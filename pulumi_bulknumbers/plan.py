"""What a change to a pool's inputs will do, decided without the network (diff and preview).

Changes to what a pool owns apply in place, group by group (groups matched by `groups.py`):
- a new group is bought; a removed group's numbers are released;
- a larger `count_requested` buys a top-up for the difference from what the group owns;
- a smaller one releases the surplus, newest numbers first;
- changed criteria buy the new numbers first, then release the group's old ones;
- `strategy`, `quickship` and `exclude_held_numbers` only shape future orders;
- naming an unnamed group (or renaming one) with the same criteria only renames it.
Settings change in place on every kept number. Only `adopt_order_id` replaces the pool.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pulumi_bulknumbers.group_inputs import GROUP_KEYS
from pulumi_bulknumbers.groups import (
    FUTURE_ONLY_KEYS,
    criteria,
    criteria_change,
    default_reference,
    group_key,
    group_label,
)
from pulumi_bulknumbers.inputs import SETTINGS, TOP_KEYS, is_unknown, normalize
from pulumi_bulknumbers.state import PoolState, needs_regroup, state_from_outputs

if TYPE_CHECKING:
    from pulumi_bulknumbers.models import BulkOrderRequest

IN_PLACE = (*SETTINGS, "wait_timeout_seconds", "deletion_lock", "inventory_check")
"""Top-level inputs whose change updates the pool in place."""
REPLACING = ("adopt_order_id",)
"""Inputs whose change buys a new pool: adopting a different order."""
REQUEST_GROUP_KEYS = tuple(k for k in GROUP_KEYS if k != "name")
"""The group fields sent to Telnyx (`name` is ours alone)."""


@dataclass(frozen=True)
class Purchase:
    """Numbers to buy for one group."""

    key: str
    group: dict[str, Any]
    count: int
    replace: bool
    reason: str


@dataclass(frozen=True)
class Release:
    """Numbers to release from one group, and why."""

    key: str
    numbers: list[str]
    reason: str


@dataclass
class PoolChange:
    """The in-place change to what a pool owns."""

    renames: list[tuple[str, str]] = field(default_factory=list)
    purchases: list[Purchase] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    """Released without waiting for anything: shrinks and removed groups."""
    replaced: list[Release] = field(default_factory=list)
    """Released once the matching replace purchase has bought numbers."""
    notes: list[str] = field(default_factory=list)
    """Changes that buy and release nothing, in words."""
    adopted: list[str] = field(default_factory=list)
    """Keys whose declared group is adopted as is (no numbers change)."""

    @property
    def empty(self) -> bool:
        return not (self.renames or self.purchases or self.releases or self.replaced)


@dataclass
class Plan:
    """Everything an update would do, and the properties behind it."""

    changes: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    resume: bool = False
    pool: PoolChange | None = None
    """None when the groups are not known yet (preview of values computed at apply)."""
    settings: dict[str, str | None] = field(default_factory=dict)
    lock: tuple[bool, bool] = (False, False)
    legacy: bool = False
    """State from 0.1: which numbers belong to which group is only known at apply."""


def declared(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Only the declared inputs of a props mapping (outputs and `__provider` left out)."""
    return {k: v for k, v in spec.items() if k in TOP_KEYS and v is not None}


def effective_settings(spec: Mapping[str, Any]) -> dict[str, str | None]:
    """The settings the numbers carry: the declared ones, and the pool's label by default."""
    settings: dict[str, str | None] = {k: spec.get(k) for k in SETTINGS}
    if not settings["customer_reference"] and spec.get("pool_key"):
        settings["customer_reference"] = default_reference(str(spec["pool_key"]))
    return settings


def to_request(
    spec: Mapping[str, Any], reference: str, groups: Sequence[Mapping[str, Any]] | None = None
) -> BulkOrderRequest:
    """The bulk order to POST: the declared groups (or `groups`), with the pool's settings."""
    # Imported here: check and diff never build a request, and the models cost import time.
    from pulumi_bulknumbers.models import BulkOrderRequest, OrderingGroupRequest, PhoneNumberPattern

    wanted = spec["ordering_groups"] if groups is None else groups
    requests = []
    for group in wanted:
        fields = {k: group[k] for k in REQUEST_GROUP_KEYS if group.get(k) is not None}
        pattern = fields.pop("phone_number", None)
        requests.append(
            OrderingGroupRequest(
                **fields, phone_number=PhoneNumberPattern(**pattern) if pattern else None
            )
        )
    settings = {k: spec.get(k) for k in SETTINGS if k != "customer_reference"}
    return BulkOrderRequest(ordering_groups=requests, customer_reference=reference, **settings)


def plan_pool(state: PoolState, groups: Sequence[Mapping[str, Any]]) -> PoolChange:
    """What to buy and release so `state` matches the declared `groups`. Pure.

    A group an order still running buys for is left to that order (the update resumes it
    first, then plans again).
    """
    change = PoolChange()
    wanted = {group_key(g): dict(g) for g in groups}
    held = dict(state.groups)
    pending = {s.key for o in state.pending() for s in o.slots}
    for old_key, new_key in _renames(held, wanted):
        change.renames.append((old_key, new_key))
        held[new_key] = held.pop(old_key)
    for key, group in wanted.items():
        if key in pending:
            change.notes.append(f"group {group_label(group)}: an order for it is still running")
            continue
        _plan_group(change, key, group, held.get(key))
    for key, gone in held.items():
        if key not in wanted and gone.numbers:
            change.releases.append(
                Release(key, list(gone.numbers), f"group {group_label(gone.group)} was removed")
            )
    return change


def _renames(held: Mapping[str, Any], wanted: Mapping[str, Mapping[str, Any]]) -> list[Any]:
    """Held groups whose key is no longer declared, but whose criteria a new key declares."""
    orphans = [k for k in held if k not in wanted]
    renames = []
    for key, group in wanted.items():
        if key in held:
            continue
        for old in orphans:
            if criteria(held[old].group) == criteria(group):
                renames.append((old, key))
                orphans.remove(old)
                break
    return renames


def _plan_group(change: PoolChange, key: str, group: dict[str, Any], held: Any) -> None:
    label = group_label(group)
    count = int(group["count_requested"])
    if held is None:
        change.purchases.append(Purchase(key, group, count, False, f"new group {label}"))
        return
    if criteria(held.group) != criteria(group):
        what = criteria_change(criteria(held.group), criteria(group))
        change.purchases.append(
            Purchase(key, group, count, True, f"group {label} criteria changed ({what})")
        )
        change.replaced.append(
            Release(key, list(held.numbers), f"group {label}: numbers with the old criteria")
        )
        return
    owned = len(held.numbers)
    if count != held.target and count > owned:
        change.purchases.append(
            Purchase(
                key, group, count - owned, False, f"group {label} grows to {count} (owns {owned})"
            )
        )
    elif count < owned:
        surplus = held.numbers[count:]  # oldest first, so the tail is the newest
        change.releases.append(
            Release(key, surplus, f"group {label} shrinks to {count} (owns {owned})")
        )
    futures = [k for k in FUTURE_ONLY_KEYS if held.group.get(k) != group.get(k)]
    if futures:
        change.notes.append(
            f"group {label}: {', '.join(futures)} changed; only future orders use it"
        )


def plan_diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Plan:
    """Compare the stored outputs with the new inputs. No network."""
    old, new = declared(normalize(olds)), declared(normalize(news))
    plan = Plan()
    plan.changes = [k for k in IN_PLACE if _differs(old.get(k), new.get(k))]
    if _differs(_by_key(old.get("ordering_groups")), _by_key(new.get("ordering_groups"))):
        plan.changes.append("ordering_groups")
    state = state_from_outputs(olds)
    adopt = new.get("adopt_order_id")
    if adopt and _differs(old.get("adopt_order_id"), adopt) and adopt not in state.order_ids:
        plan.replaces.append("adopt_order_id")  # a different order: a different pool
    plan.resume = bool(state.pending())
    if plan.resume and not plan.changes:
        plan.changes.append("status")
    groups = new.get("ordering_groups")
    plan.legacy = needs_regroup(state, olds)
    if isinstance(groups, list) and not is_unknown(groups) and not plan.legacy:
        plan.pool = plan_pool(state, groups)
        if not plan.pool.empty and "ordering_groups" not in plan.changes:
            # The inputs match, but what the pool holds does not (a change that bought
            # nothing last time): the next up tries again.
            plan.changes.append("ordering_groups")
    before, after = effective_settings(olds), effective_settings(news)
    plan.settings = {k: v for k, v in after.items() if before.get(k) != v}
    plan.lock = (bool(olds.get("deletion_lock")), bool(news.get("deletion_lock")))
    return plan


def _by_key(groups: Any) -> Any:
    """Groups as a mapping by identity, so reordering the list is no change."""
    if not isinstance(groups, list) or is_unknown(groups):
        return groups
    return {group_key(g): g for g in groups}


def _differs(old: Any, new: Any) -> bool:
    return is_unknown(new) or old != new
