"""Pools change in place, through the real provider process: each edit checked at the sandbox.

One pool is walked through every kind of change. After each `up`, the numbers the sandbox's
account gained and lost are compared with what the change should buy and release, and with the
pool's outputs; no step may replace the pool.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from pulumi_bulknumbers import BulkNumberOrder, OrderingGroupArgs
from pulumi_bulknumbers.state import group_members
from pulumi_bulknumbers.testing import DeploymentError, RunResult, run_program
from tests.provider.conftest import Stack


def group(name: str, count: int, area: str = "212", **fields: Any) -> OrderingGroupArgs:
    return OrderingGroupArgs(
        name=name,
        country_iso="US",
        phone_number_type="local",
        count_requested=count,
        national_destination_code=area,
        **fields,
    )


def program(*groups: OrderingGroupArgs, **options: Any) -> Callable[[], None]:
    def run() -> None:
        pool = BulkNumberOrder("pool", ordering_groups=list(groups), **options)
        pulumi.export("numbers", pool.phone_numbers)
        pulumi.export("groups", pool.groups)
        pulumi.export("order_ids", pool.order_ids)
        pulumi.export("count_allocated", pool.count_allocated)
        pulumi.export("ny", pool.group_numbers("ny"))

    return run


class Walk:
    """Runs `up` on one stack and reports what the account gained and lost."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.owned = set(stack.sandbox.owned_numbers())

    def up(self, *groups: OrderingGroupArgs, **options: Any) -> tuple[RunResult, set, set]:
        posts = self.stack.bulk_order_posts()
        preview = run_program(program(*groups, **options), engine=self.stack.engine, preview=True)
        assert preview.ops().get("pool") != "replace", preview.ops()
        result = run_program(program(*groups, **options), engine=self.stack.engine)
        assert result.ops().get("pool") in {"create", "update", "same"}, result.ops()
        now = set(self.stack.sandbox.owned_numbers())
        bought, released = now - self.owned, self.owned - now
        self.owned = now
        assert sorted(now) == result.outputs["numbers"]
        self.posts = self.stack.bulk_order_posts() - posts
        self.preview = preview
        return result, bought, released


def locked_numbers(stack: Stack) -> set[str]:
    return {n.phone_number for n in stack.telnyx.iter_phone_numbers() if n.deletion_lock_enabled}


def by_name(result: RunResult) -> dict[str, dict[str, Any]]:
    """Each group's outputs by name, with its numbers decoded (oldest purchase first)."""
    numbers = result.outputs["numbers"]
    return {
        g["name"]: {**g, "phone_numbers": group_members(g, numbers)}
        for g in result.outputs["groups"]
    }


def test_a_pool_walks_through_every_change_in_place(make_stack: Callable[..., Stack]) -> None:
    walk = Walk(make_stack())
    up, bought, _ = walk.up(group("ny", 3), group("la", 2, "213"))
    assert len(bought) == 5
    first_ny = by_name(up)["ny"]["phone_numbers"]
    assert up.outputs["ny"] == first_ny  # the resource's own helper decodes the same

    # Grow a group: a top-up order buys the difference.
    up, bought, released = walk.up(group("ny", 5), group("la", 2, "213"))
    assert (len(bought), released, walk.posts) == (2, set(), 1)
    assert len(up.outputs["order_ids"]) == 2
    assert "group 'ny' grows to 5 (owns 3): buy 2" in "\n".join(walk.preview.logs)
    ny = by_name(up)["ny"]["phone_numbers"]
    assert ny[:3] == first_ny
    assert set(ny[3:]) == bought

    # Shrink it: the surplus goes, newest first (the top-up's numbers, then the newest first one).
    up, bought, released = walk.up(group("ny", 2), group("la", 2, "213"))
    assert (bought, walk.posts) == (set(), 0)
    assert released == set(ny[2:])
    assert by_name(up)["ny"]["phone_numbers"] == ny[:2]
    assert "release 3 (newest first)" in "\n".join(walk.preview.logs)

    # Add a group, remove another.
    up, bought, released = walk.up(group("ny", 2), group("sf", 2, "415"))
    la = set(by_name(walk_last := up).get("la", {}).get("phone_numbers", []))
    assert not la
    assert len(bought) == 2
    assert len(released) == 2
    assert all(n.startswith("+1415") for n in bought)
    assert all(n.startswith("+1213") for n in released)
    assert set(by_name(walk_last)) == {"ny", "sf"}

    # Change a group's area code: new numbers first, then the old ones go.
    up, bought, released = walk.up(group("ny", 2, "718"), group("sf", 2, "415"))
    assert released == set(ny[:2])
    assert len(bought) == 2
    assert all(n.startswith("+1718") for n in bought)
    assert "criteria changed (national_destination_code 212 -> 718)" in "\n".join(walk.preview.logs)

    # Reorder the list: nothing to do.
    up, bought, released = walk.up(group("sf", 2, "415"), group("ny", 2, "718"))
    assert (bought, released, walk.posts) == (set(), set(), 0)
    assert up.ops()["pool"] == "same"

    # Change only strategy: future orders only.
    up, bought, released = walk.up(group("sf", 2, "415", strategy="never"), group("ny", 2, "718"))
    assert (bought, released, walk.posts) == (set(), set(), 0)
    assert "only future orders use it" in "\n".join(walk.preview.logs)
    assert up.outputs["count_allocated"] == 4

    walk.stack.engine.destroy()
    assert walk.stack.sandbox.owned_numbers() == []


class TestDeletionLock:
    """deletion_lock protects every owned number; releases are refused before anything."""

    def test_lock_refuses_shrink_and_destroy_until_lifted(
        self, make_stack: Callable[..., Stack]
    ) -> None:
        stack = make_stack()
        walk = Walk(stack)
        up, _, _ = walk.up(group("ny", 3), deletion_lock=True)
        locked = {
            n.phone_number for n in stack.telnyx.iter_phone_numbers() if n.deletion_lock_enabled
        }
        assert locked == set(up.outputs["numbers"])

        calls = len(stack.sandbox.calls)
        with pytest.raises(DeploymentError, match="deletion_lock is on"):
            run_program(program(group("ny", 1), deletion_lock=True), engine=stack.engine)
        new_calls = stack.sandbox.calls[calls:]
        assert not [c for c in new_calls if c.method == "POST"], "nothing bought or released"
        with pytest.raises(DeploymentError, match="deletion_lock is on"):
            stack.engine.destroy()
        assert set(stack.sandbox.owned_numbers()) == locked

        # Lifting the lock in the same change as the shrink allows it.
        up, bought, released = walk.up(group("ny", 1))
        assert len(released) == 2
        assert not bought
        stack.engine.destroy()
        assert stack.sandbox.owned_numbers() == []

    def test_numbers_bought_while_locked_are_locked(self, make_stack: Callable[..., Stack]) -> None:
        stack = make_stack()
        walk = Walk(stack)
        walk.up(group("ny", 1), deletion_lock=True)
        up, bought, _ = walk.up(group("ny", 3), deletion_lock=True)
        locked = {
            n.phone_number for n in stack.telnyx.iter_phone_numbers() if n.deletion_lock_enabled
        }
        assert bought
        assert locked == set(up.outputs["numbers"])
        walk.up(group("ny", 3))
        stack.engine.destroy()
        assert stack.sandbox.owned_numbers() == []

    @pytest.mark.parametrize("finish", ["refresh", "up"])
    def test_an_order_still_pending_at_create_gets_the_lock_when_it_settles(
        self, make_stack: Callable[..., Stack], finish: str
    ) -> None:
        stack = make_stack(processing_seconds=1)
        options = {"deletion_lock": True, "wait_timeout_seconds": 0}
        run_program(program(group("ny", 2), **options), engine=stack.engine)
        time.sleep(1.5)
        if finish == "refresh":
            stack.engine.refresh()
        else:
            run_program(program(group("ny", 2), **options), engine=stack.engine)
        owned = set(stack.sandbox.owned_numbers())
        assert len(owned) == 2
        assert locked_numbers(stack) == owned
