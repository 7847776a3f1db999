"""The preview's words: what an update will buy, release and change, per pool and group.

Only check and diff run at preview, and what they log reaches the user, so diff logs this text.

>>> from pulumi_bulknumbers.plan import Plan, PoolChange, Purchase
>>> plan = Plan(changes=["ordering_groups"], pool=PoolChange(
...     purchases=[Purchase("name:a", {}, 5, False, "group 'a' grows to 15 (owns 10)")]))
>>> print(describe_changes("pool", {}, plan))
pool: changes in place:
  - group 'a' grows to 15 (owns 10): buy 5
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_bulknumbers.plan import Plan
from pulumi_bulknumbers.state import state_from_outputs

SHOWN = 10
"""How many numbers a release names before summarizing the rest."""


def show_numbers(numbers: Sequence[str], limit: int = SHOWN) -> str:
    """`+1..., +1...` and `and N more` past the limit."""
    text = ", ".join(numbers[:limit])
    return text + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


def describe_changes(name: str, olds: Mapping[str, Any], plan: Plan) -> str:
    """The preview's text for one pool: a line per group action and per setting."""
    state = state_from_outputs(olds)
    lines: list[str] = []
    if plan.replaces:
        lines.append(
            f"adopt_order_id changed: the pool is replaced by the adopted order, then the "
            f"{len(state.ids)} numbers owned now are released"
        )
    for order in state.pending():
        lines.append(f"order {order.order_id} is still {order.status}: resume waiting for it first")
    pool = plan.pool
    if plan.legacy:
        lines.append(
            "this pool was recorded by version 0.1: which numbers belong to which group is "
            "read from Telnyx when the change is applied"
        )
    elif pool is None and "ordering_groups" in plan.changes:
        lines.append("ordering_groups depend on values known only at apply time")
    if pool is not None:
        for old, new in pool.renames:
            lines.append(f"group {_key_label(old)} is now {_key_label(new)} (same numbers)")
        replaced = {r.key: r for r in pool.replaced}
        for buy in pool.purchases:
            line = f"{buy.reason}: buy {buy.count}"
            if buy.key in replaced and replaced[buy.key].numbers:
                owned = replaced[buy.key].numbers
                line += f" new, then release the {len(owned)} owned now: {show_numbers(owned)}"
            lines.append(line)
        for release in pool.releases:
            verb = "newest first" if "shrinks" in release.reason else "all of them"
            lines.append(
                f"{release.reason}: release {len(release.numbers)} ({verb}): "
                f"{show_numbers(release.numbers)}"
            )
        lines.extend(pool.notes)
    kept = len(state.ids) - _released(plan)
    if plan.settings:
        lines.append(f"{', '.join(sorted(plan.settings))} will change on {_numbers(kept)}")
    old_lock, new_lock = plan.lock
    if old_lock != new_lock:
        lines.append(f"deletion_lock turns {'on' if new_lock else 'off'} for {_numbers(kept)}")
    for key in ("wait_timeout_seconds", "inventory_check"):
        if key in plan.changes:
            lines.append(f"{key} changes (nothing bought or released)")
    if not lines:
        lines.append("no numbers bought or released")
    header = "is replaced" if plan.replaces else "changes in place"
    return f"{name}: {header}:\n" + "\n".join(f"  - {line}" for line in lines)


def _numbers(count: int) -> str:
    return f"{count} number" + ("" if count == 1 else "s")


def _released(plan: Plan) -> int:
    if plan.pool is None:
        return 0
    return sum(len(r.numbers) for r in (*plan.pool.releases, *plan.pool.replaced))


def _key_label(key: str) -> str:
    kind, _, value = key.partition(":")
    return repr(value) if kind == "name" else "(unnamed)"
