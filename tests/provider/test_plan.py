"""diff: pure comparison of declared inputs, with the preview's words."""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown

from pulumi_bulknumbers.plan import describe_changes, plan_diff
from tests.provider.cases import group, inputs


def stored(**overrides: Any) -> dict[str, Any]:
    """Old outputs as the engine hands them to diff: inputs plus computed values."""
    return {
        **inputs(),
        "order_id": "o-1",
        "status": "success",
        "phone_numbers": ["+12125550100", "+12125550101"],
        "phone_number_ids": ["1", "2"],
        "__provider": "old-pickle",
        **overrides,
    }


class TestPlanDiff:
    """plan_diff decides in-place, replace, resume or nothing."""

    def test_unchanged_inputs_and_new_provider_code_are_no_change(self) -> None:
        """A new __provider (a package upgrade) and gRPC floats change nothing."""
        news = {**inputs(group(count_requested=5.0)), "__provider": "new-pickle"}
        plan = plan_diff(stored(), news)
        assert plan.changes == []
        assert plan.replaces == []

    def test_settings_change_in_place(self) -> None:
        """A new connection is an in-place change, described per number."""
        plan = plan_diff(stored(), inputs(connection_id="c-2"))
        assert plan.changes == ["connection_id"]
        assert plan.replaces == []
        text = describe_changes("pool", stored(), plan)
        assert text == "pool: connection_id will change on 2 numbers, in place"

    def test_group_change_replaces(self) -> None:
        """A change to what the pool owns replaces it, and the preview says what that costs."""
        plan = plan_diff(stored(), inputs(group(count_requested=6)))
        assert plan.replaces == ["ordering_groups"]
        assert "the 2 numbers owned now are released" in describe_changes("pool", stored(), plan)

    def test_pending_order_is_a_change(self) -> None:
        """A fulfilment still pending shows as a change so the next up resumes."""
        plan = plan_diff(stored(status="processing"), inputs())
        assert plan.resume
        assert plan.changes == ["status"]

    def test_unknown_input_is_a_change(self) -> None:
        """A value preview cannot know counts as changed."""
        plan = plan_diff(stored(), inputs(messaging_profile_id=Unknown()))
        assert plan.changes == ["messaging_profile_id"]

    def test_adopting_the_current_order_is_no_change(self) -> None:
        """Declaring adopt_order_id equal to the pool's own order replaces nothing."""
        plan = plan_diff(stored(), inputs(adopt_order_id="o-1"))
        assert plan.replaces == []
