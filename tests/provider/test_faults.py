"""The sandbox's other fault kinds, each through the real provider process: the lifecycle rides
them out, buys once and releases everything at destroy.

Lost answers, absurd answers, crashes and replaces are in test_recovery.py; the seeded mix of
every kind with kills is `make chaos`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_bulknumbers import BulkNumberOrder, OrderingGroupArgs
from pulumi_bulknumbers.testing import run_program
from tests.provider.conftest import Stack

ORDERS = "/inexplicit_number_orders$"
ORDER = "/inexplicit_number_orders/[0-9a-f-]+$"


def program() -> None:
    group = OrderingGroupArgs(
        country_iso="US", phone_number_type="local", count_requested=3,
        national_destination_code="212",
    )  # fmt: skip
    pool = BulkNumberOrder("pool", ordering_groups=[group])
    pulumi.export("numbers", pool.phone_numbers)


def lifecycle(stack: Stack) -> None:
    """up, then destroy: exactly one order bought, every number recorded, then released."""
    up = run_program(program, engine=stack.engine)
    assert len(list(stack.telnyx.iter_bulk_orders())) == 1
    assert up.outputs["numbers"] == sorted(stack.sandbox.owned_numbers())
    assert len(up.outputs["numbers"]) == 3
    stack.engine.destroy()
    assert stack.sandbox.owned_numbers() == []


@pytest.mark.parametrize(
    ("kind", "where", "details"),
    [
        ("rate_limit_storm", {"method": "POST", "path": ORDERS}, {"length": 4}),
        ("server_burst", {"method": "GET", "path": ORDER}, {"length": 3}),
        ("slow", {"method": "POST", "path": ORDERS}, {"delay": 1.0}),
        ("job_partial_failure", {"method": "POST", "path": "/jobs/delete"}, {}),
        ("job_partial_failure", {"method": "POST", "path": "/jobs/update"}, {}),
    ],
)
def test_the_lifecycle_rides_out(
    make_stack: Callable[..., Stack], kind: str, where: dict[str, str], details: dict[str, Any]
) -> None:
    stack = make_stack(processing_seconds=1)
    stack.sandbox.inject_fault(kind, **where, **details)  # type: ignore[arg-type]
    if kind == "job_partial_failure" and "update" in where["path"]:
        run_program(program, engine=stack.engine)

        def relabel() -> None:
            group = OrderingGroupArgs(
                country_iso="US", phone_number_type="local", count_requested=3,
                national_destination_code="212",
            )  # fmt: skip
            BulkNumberOrder("pool", ordering_groups=[group], connection_id="c-9")

        run_program(relabel, engine=stack.engine)
        assert {n.connection_id for n in stack.telnyx.iter_phone_numbers()} == {"c-9"}
        stack.engine.destroy()
        assert stack.sandbox.owned_numbers() == []
    else:
        lifecycle(stack)
    assert stack.sandbox.fault_counts().get(kind, 0) >= 1


def test_a_sandbox_restart_mid_wait(make_stack: Callable[..., Stack], tmp_path: Path) -> None:
    """The server restarts on the same database file while the provider polls the order."""
    stack = make_stack(processing_seconds=2, db=str(tmp_path / "telnyx.sqlite3"))
    timer = threading.Timer(0.8, stack.server.restart, kwargs={"downtime": 0.3})
    timer.start()
    try:
        lifecycle(stack)
    finally:
        timer.join()
