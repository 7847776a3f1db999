"""Money and numbers at the edges: runs that stop, labels that move, orders that change hands.

Each test is a sequence a reviewer found losing or double-buying numbers, run through the real
provider process and checked against the numbers the sandbox's account owns.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from pulumi_bulknumbers import BulkNumberOrder, OrderingGroupArgs
from pulumi_bulknumbers.plan import to_request
from pulumi_bulknumbers.testing import (
    DeploymentError,
    KillSwitch,
    ProviderKilledError,
    RunResult,
    run_program,
)
from tests.provider.conftest import Stack
from tests.provider.test_pool_changes import group as grp


def prog(*groups: OrderingGroupArgs, **options: Any) -> Callable[[], None]:
    def run() -> None:
        pool = BulkNumberOrder("pool", ordering_groups=list(groups), **options)
        pulumi.export("numbers", pool.phone_numbers)
        pulumi.export("order_ids", pool.order_ids)

    return run


def owned(stack: Stack) -> list[str]:
    return sorted(stack.sandbox.owned_numbers())


def orders(stack: Stack) -> int:
    return len(list(stack.telnyx.iter_bulk_orders()))


def stored_numbers(stack: Stack) -> list[str]:
    pool = next(r for r in stack.engine.state.resources if r.custom and r.dynamic)
    return list(pool.outputs["phone_numbers"])


def up(stack: Stack, *groups: OrderingGroupArgs, **options: Any) -> RunResult:
    return run_program(prog(*groups, **options), engine=stack.engine)


def test_an_unsaved_refresh_never_makes_the_pool_buy_again(
    make_stack: Callable[..., Stack],
) -> None:
    """`pulumi preview --refresh` settles a pending order without saving: the mark it leaves
    is this pool's own, so the next run keeps the order."""
    stack = make_stack(processing_seconds=1)
    up(stack, grp("ny", 2), wait_timeout_seconds=0)
    time.sleep(1.5)
    stack.engine.refresh(preview=True)
    stack.engine.refresh()
    assert stored_numbers(stack) == owned(stack)
    after = up(stack, grp("ny", 2))
    assert orders(stack) == 1
    assert after.outputs["numbers"] == owned(stack)


def test_shrink_and_new_label_in_one_change_release_the_surplus(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack()
    up(stack, grp("ny", 3))
    result = up(stack, grp("ny", 1), customer_reference="support")
    assert result.outputs["numbers"] == owned(stack)
    assert len(owned(stack)) == 1
    assert {n.customer_reference for n in stack.telnyx.iter_phone_numbers()} == {"support"}


def test_a_failed_change_leaves_the_numbers_where_refresh_finds_them(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack()
    up(stack, grp("ny", 2), grp("la", 1, "213"))
    stack.sandbox.set_inventory("US", "local", "415", available=0)
    with pytest.raises(DeploymentError, match="bought no numbers"):
        up(stack, grp("ny", 2), grp("la", 1, "213"), grp("sf", 2, "415"), customer_reference="x")
    stack.engine.refresh()
    assert stored_numbers(stack) == owned(stack)
    assert len(owned(stack)) == 3


def test_a_change_kept_waiting_by_a_running_order_is_applied_later(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack(processing_seconds=2)
    up(stack, grp("ny", 2))
    up(stack, grp("ny", 4), wait_timeout_seconds=0)
    up(stack, grp("ny", 4), wait_timeout_seconds=0, connection_id="c-2", deletion_lock=True)
    time.sleep(2.5)
    up(stack, grp("ny", 4), wait_timeout_seconds=0, connection_id="c-2", deletion_lock=True)
    numbers = list(stack.telnyx.iter_phone_numbers())
    assert len(numbers) == 4
    assert {(n.connection_id, n.deletion_lock_enabled) for n in numbers} == {("c-2", True)}


def test_replacing_a_pool_that_adopted_an_order_keeps_its_numbers(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack()
    spec = {
        "ordering_groups": [
            {
                "country_iso": "US",
                "phone_number_type": "local",
                "count_requested": 2,
                "national_destination_code": "212",
            }
        ]
    }
    order_id = stack.telnyx.create_bulk_order(to_request(spec, "legacy-tool")).id
    up(stack, grp("ny", 2), adopt_order_id=order_id)
    again = run_program(
        prog(grp("ny", 2), adopt_order_id=order_id), engine=stack.engine, replace=["pool"]
    )
    assert again.outputs["numbers"] == owned(stack)
    assert len(owned(stack)) == 2


def test_reordering_groups_between_a_crash_and_the_retry_buys_once(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack(processing_seconds=2)
    up(stack, grp("ny", 1), grp("la", 1, "213"))
    kill = KillSwitch.on(lambda: stack.bulk_order_posts() >= 2, after=0.2, label="top-up")
    with pytest.raises(ProviderKilledError):
        run_program(prog(grp("ny", 2), grp("la", 2, "213")), engine=stack.engine, kill=kill)
    result = up(stack, grp("la", 2, "213"), grp("ny", 2))
    assert orders(stack) == 2
    assert result.outputs["numbers"] == owned(stack)
    assert len(owned(stack)) == 4


def test_undoing_a_pending_criteria_change_keeps_the_original_numbers(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack(processing_seconds=1)
    original = up(stack, grp("ny", 2)).outputs["numbers"]
    up(stack, grp("ny", 2, "213"), wait_timeout_seconds=0)
    result = up(stack, grp("ny", 2))
    assert result.outputs["numbers"] == original == owned(stack)
    assert orders(stack) == 2


def test_reading_an_existing_pools_order_by_id_shows_its_numbers(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack()
    order_id = up(stack, grp("ny", 2)).outputs["order_ids"][0]

    def both() -> None:
        prog(grp("ny", 2))()
        ext = BulkNumberOrder(
            "ext", ordering_groups=[grp("ny", 2)], opts=pulumi.ResourceOptions(id=order_id)
        )
        pulumi.export("ext", ext.phone_numbers)

    result = run_program(both, engine=stack.engine)
    assert result.outputs["ext"] == owned(stack)
    after = up(stack, grp("ny", 2))
    assert after.outputs["numbers"] == owned(stack)
