"""The opt-in inventory check at preview, through the real provider process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pulumi_bulknumbers import BulkNumberOrder, OrderingGroupArgs
from pulumi_bulknumbers.testing import DeploymentError, run_program
from tests.provider.conftest import Stack

COVERAGE = "/inventory_coverage"


def program(count: int, strategy: str, **options: Any) -> Callable[[], None]:
    def run() -> None:
        group = OrderingGroupArgs(
            country_iso="US",
            phone_number_type="local",
            count_requested=count,
            national_destination_code="212",
            strategy=strategy,
        )
        BulkNumberOrder("pool", ordering_groups=[group], **options)

    return run


def coverage_calls(stack: Stack) -> int:
    return sum(1 for c in stack.sandbox.calls if c.path.endswith(COVERAGE))


@pytest.fixture(name="scarce")
def _scarce(make_stack: Callable[..., Stack]) -> Stack:
    stack = make_stack()
    stack.sandbox.set_inventory("US", "local", "212", available=3)
    return stack


def test_never_group_that_cannot_be_filled_fails_preview(scarce: Stack) -> None:
    with pytest.raises(DeploymentError) as err:
        run_program(program(5, "never", inventory_check=True), engine=scarce.engine, preview=True)
    message = str(err.value)
    assert "ordering_groups[0].count_requested" in message
    assert "needs 5 numbers but Telnyx has 3" in message
    assert scarce.bulk_order_posts() == 0


def test_always_group_warns_of_the_shortfall(scarce: Stack) -> None:
    preview = run_program(
        program(5, "always", inventory_check=True), engine=scarce.engine, preview=True
    )
    assert "expect a shortfall of 2" in "\n".join(preview.logs)


def test_stack_config_turns_it_on(scarce: Stack) -> None:
    config = {**scarce.config, "telnyx:inventoryCheck": "true"}
    with pytest.raises(DeploymentError, match="needs 5 numbers"):
        run_program(program(5, "never"), engine=scarce.engine, preview=True, config=config)


def test_off_by_default(scarce: Stack) -> None:
    run_program(program(5, "never"), engine=scarce.engine, preview=True)
    assert coverage_calls(scarce) == 0


def test_coverage_api_failing_warns_and_goes_on(scarce: Stack) -> None:
    scarce.sandbox.inject_fault("error", method="GET", path=COVERAGE, times=20, status=503)
    preview = run_program(
        program(5, "never", inventory_check=True), engine=scarce.engine, preview=True
    )
    assert "inventory check skipped: the coverage API failed" in "\n".join(preview.logs)


def test_only_groups_that_buy_are_checked(scarce: Stack) -> None:
    run_program(program(2, "never", inventory_check=True), engine=scarce.engine)
    before = coverage_calls(scarce)
    run_program(program(2, "always", inventory_check=True), engine=scarce.engine, preview=True)
    assert coverage_calls(scarce) == before
