"""How create ends: partial, nothing bought, timeout then resume, adoption, read by id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from pulumi_bulknumbers import BulkNumberOrder, OrderingGroupArgs
from pulumi_bulknumbers.models import BulkOrderRequest, OrderingGroupRequest
from pulumi_bulknumbers.testing import DeploymentError, run_program
from tests.provider.conftest import Stack


def pool_program(*groups: OrderingGroupArgs, **options: Any) -> Callable[[], None]:
    """A program declaring one pool named `pool` and exporting its outputs."""

    def program() -> None:
        pool = BulkNumberOrder("pool", ordering_groups=list(groups), **options)
        pulumi.export("status", pool.status)
        pulumi.export("numbers", pool.phone_numbers)
        pulumi.export("groups", pool.groups)
        pulumi.export("order_id", pool.order_id)

    return program


def local(count: int, **fields: Any) -> OrderingGroupArgs:
    """A US local group in area code 212 unless told otherwise."""
    fields.setdefault("national_destination_code", "212")
    fields.setdefault("country_iso", "US")
    return OrderingGroupArgs(phone_number_type="local", count_requested=count, **fields)


class TestPartialAndFailed:
    """Shortfalls are recorded with a warning; nothing bought is an error."""

    def test_partial_fulfilment_is_recorded_with_a_warning(
        self, make_stack: Callable[..., Stack]
    ) -> None:
        """An `always` group short of inventory records what it got, and warns."""
        stack = make_stack()
        stack.sandbox.set_inventory("US", "local", "212", available=3)
        up = run_program(
            pool_program(local(5), local(2, national_destination_code="415")), engine=stack.engine
        )
        assert up.outputs["status"] == "partial_success"
        assert [g["status"] for g in up.outputs["groups"]] == ["partial_success", "success"]
        assert len(up.outputs["numbers"]) == 5
        assert "ended partial_success" in "\n".join(up.logs)
        assert sorted(stack.sandbox.owned_numbers()) == up.outputs["numbers"]

    def test_nothing_available_fails_and_records_nothing(
        self, make_stack: Callable[..., Stack]
    ) -> None:
        """When no group got a number, up fails naming each group's reason."""
        stack = make_stack()
        stack.sandbox.set_inventory("US", "local", "212", available=2)
        program = pool_program(local(5, strategy="never"))
        with pytest.raises(DeploymentError) as caught:
            run_program(program, engine=stack.engine)
        message = str(caught.value)
        assert "bought no numbers" in message
        assert "group 1 (US local): failed" in message
        assert stack.engine.state.resources == []
        assert stack.sandbox.owned_numbers() == []


class TestTimeoutAndResume:
    """A wait that runs out records the order; the next up resumes it."""

    def test_timeout_then_resume(self, make_stack: Callable[..., Stack]) -> None:
        """The first up records a pending pool; the second waits and records the numbers."""
        stack = make_stack(processing_seconds=3)
        program = pool_program(local(4), wait_timeout_seconds=0.5)
        first = run_program(program, engine=stack.engine)
        assert first.outputs["status"] in {"pending", "processing"}
        assert first.outputs["numbers"] == []
        assert "next `pulumi up` resumes" in "\n".join(first.logs)

        preview = run_program(program, engine=stack.engine, preview=True)
        assert preview.changed() == {"pool": "update"}

        resumed = run_program(pool_program(local(4), wait_timeout_seconds=30), engine=stack.engine)
        assert resumed.ops() == {"pool": "update"}
        assert resumed.outputs["status"] == "success"
        assert len(resumed.outputs["numbers"]) == 4
        assert stack.bulk_order_posts() == 1


class TestAdoption:
    """adopt_order_id manages an existing order instead of buying one."""

    def test_adopts_without_buying_and_reports_differences(
        self, make_stack: Callable[..., Stack]
    ) -> None:
        """The existing order's numbers are recorded; no order is POSTed; differences warned."""
        stack = make_stack()
        existing = stack.telnyx.create_bulk_order(
            BulkOrderRequest(
                ordering_groups=[
                    OrderingGroupRequest(
                        country_iso="US",
                        phone_number_type="local",
                        count_requested=3,
                        national_destination_code="312",
                    )
                ],
                customer_reference="bought-by-hand",
            )
        )
        stack.telnyx.get_bulk_order(existing.id)  # let the sandbox finish it
        posts_before = stack.bulk_order_posts()
        up = run_program(
            pool_program(local(4, national_destination_code="312"), adopt_order_id=existing.id),
            engine=stack.engine,
        )
        assert up.outputs["order_id"] == existing.id
        assert len(up.outputs["numbers"]) == 3
        assert stack.bulk_order_posts() == posts_before
        assert "count_requested is 3, the program declares 4" in "\n".join(up.logs)

        run_program(lambda: None, engine=stack.engine)  # removing it releases its numbers
        assert stack.sandbox.owned_numbers() == []


class TestReadById:
    """ResourceOptions(id=...) reads an existing order without managing it."""

    def test_get_reads_numbers(self, make_stack: Callable[..., Stack]) -> None:
        """A read-only pool shows the order's status and numbers."""
        stack = make_stack()
        existing = stack.telnyx.create_bulk_order(
            BulkOrderRequest(
                ordering_groups=[
                    OrderingGroupRequest(
                        country_iso="CA",
                        phone_number_type="local",
                        count_requested=2,
                        national_destination_code="416",
                    )
                ],
                customer_reference="ca-team",
            )
        )
        stack.telnyx.get_bulk_order(existing.id)

        def program() -> None:
            pool = BulkNumberOrder(
                "existing",
                ordering_groups=[local(2, country_iso="CA", national_destination_code="416")],
                opts=pulumi.ResourceOptions(id=existing.id),
            )
            pulumi.export("numbers", pool.phone_numbers)
            pulumi.export("status", pool.status)

        up = run_program(program, engine=stack.engine)
        assert up.outputs["status"] == "success"
        assert up.outputs["numbers"] == sorted(stack.sandbox.owned_numbers())


class TestReleaseAndKeys:
    """destroy names what it cannot release; a missing key says how to set one."""

    def test_locked_number_is_named_and_the_rest_released(
        self, make_stack: Callable[..., Stack]
    ) -> None:
        """A deletion-locked number fails destroy by name; every other number is released."""
        stack = make_stack()
        up = run_program(pool_program(local(4)), engine=stack.engine)
        locked = up.outputs["numbers"][1]
        stack.sandbox.set_deletion_lock(locked)
        with pytest.raises(DeploymentError) as caught:
            stack.engine.destroy()
        assert locked in str(caught.value)
        assert "could not be released" in str(caught.value)
        assert stack.sandbox.owned_numbers() == [locked]

    def test_missing_api_key_says_how_to_set_it(self, make_stack: Callable[..., Stack]) -> None:
        """Without a key for the real API, up fails before any request, naming the fix."""
        stack = make_stack()
        no_key = {"telnyx:baseUrl": "https://api.telnyx.com/v2"}
        with pytest.raises(DeploymentError) as caught:
            run_program(pool_program(local(1)), engine=stack.engine, config=no_key)
        assert "pulumi config set --secret telnyx:apiKey" in str(caught.value)
