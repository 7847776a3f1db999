"""diff and the pool plan: pure decisions on declared inputs and stored state, with their words."""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown

from pulumi_bulknumbers.groups import group_key
from pulumi_bulknumbers.plan import plan_diff, plan_pool
from pulumi_bulknumbers.preview import describe_changes
from pulumi_bulknumbers.state import HeldGroup, PoolState, state_from_outputs, state_outputs
from tests.provider.cases import group, inputs

NY = group(name="ny", national_destination_code="212", count_requested=3)
LA = group(name="la", national_destination_code="213", count_requested=2)


def numbers(prefix: str, count: int) -> list[str]:
    return [f"+1{prefix}555{i:04d}" for i in range(count)]


def stored(*groups: dict[str, Any], owned: dict[str, int] | None = None, **top: Any) -> dict:
    """Old outputs as the engine hands them to diff: inputs, pool state and a stale pickle."""
    declared = list(groups) or [NY, LA]
    state = PoolState()
    for g in declared:
        key = group_key(g)
        count = (owned or {}).get(key, g["count_requested"])
        held = state.groups[key] = HeldGroup(key, dict(g), status="success")
        state.add_numbers(
            key, {n: f"id{n}" for n in numbers(g["national_destination_code"], count)}
        )
        assert len(held.numbers) == count
    outs = state_outputs(state, declared)
    return {**inputs(*declared, **top), **outs, "__provider": "old-pickle"}


class TestDiff:
    """What counts as a change, and what replaces."""

    def test_new_provider_code_and_grpc_floats_are_no_change(self) -> None:
        news = {**inputs(NY, {**LA, "count_requested": 2.0}), "__provider": "new-pickle"}
        plan = plan_diff(stored(), news)
        assert (plan.changes, plan.replaces) == ([], [])

    def test_reordering_groups_is_no_change(self) -> None:
        assert plan_diff(stored(), inputs(LA, NY)).changes == []

    def test_group_changes_are_in_place(self) -> None:
        for news in (
            inputs({**NY, "count_requested": 9}, LA),
            inputs(NY),
            inputs(NY, LA, group(national_destination_code="646")),
            inputs({**NY, "national_destination_code": "646"}, LA),
        ):
            plan = plan_diff(stored(), news)
            assert plan.changes == ["ordering_groups"]
            assert plan.replaces == []

    def test_settings_change_in_place(self) -> None:
        plan = plan_diff(stored(), inputs(NY, LA, connection_id="c-2"))
        assert plan.changes == ["connection_id"]
        assert "connection_id will change on 5 numbers" in describe_changes("p", stored(), plan)

    def test_unknown_input_is_a_change(self) -> None:
        plan = plan_diff(stored(), inputs(NY, LA, messaging_profile_id=Unknown()))
        assert plan.changes == ["messaging_profile_id"]

    def test_unknown_groups_say_so(self) -> None:
        plan = plan_diff(stored(), inputs(NY, {**LA, "count_requested": Unknown()}))
        assert plan.pool is None
        assert "known only at apply" in describe_changes("p", stored(), plan)

    def test_adopting_another_order_replaces(self) -> None:
        plan = plan_diff(stored(), inputs(NY, LA, adopt_order_id="o-2"))
        assert plan.replaces == ["adopt_order_id"]
        text = describe_changes("p", stored(), plan)
        assert text.startswith("p: is replaced:\n  - adopt_order_id changed")
        assert "the 5 numbers owned now are released" in text

    def test_dropping_adopt_order_id_is_no_change(self) -> None:
        old = {**stored(adopt_order_id="o-1"), "order_id": "o-1"}
        assert plan_diff(old, inputs(NY, LA)).replaces == []

    def test_a_running_order_is_resumed(self) -> None:
        old = stored()
        old["orders"] = [{"order_id": "o-1", "status": "processing", "slots": []}]
        plan = plan_diff(old, inputs(NY, LA))
        assert plan.resume
        assert plan.changes == ["status"]
        assert "o-1 is still processing" in describe_changes("p", old, plan)


class TestPoolPlan:
    """What each group edit buys and releases."""

    @staticmethod
    def plan(*groups: dict[str, Any], owned: dict[str, int] | None = None) -> Any:
        return plan_pool(state_from_outputs(stored(owned=owned)), list(groups))

    def test_grow_buys_the_difference(self) -> None:
        change = self.plan({**NY, "count_requested": 5}, LA)
        assert [(p.key, p.count, p.replace) for p in change.purchases] == [("name:ny", 2, False)]
        assert change.releases == []

    def test_grow_after_a_shortfall_tops_up_to_the_new_count(self) -> None:
        change = self.plan({**NY, "count_requested": 5}, LA, owned={"name:ny": 1})
        assert [p.count for p in change.purchases] == [4]

    def test_a_shortfall_alone_buys_nothing(self) -> None:
        assert self.plan(NY, LA, owned={"name:ny": 1}).empty

    def test_shrink_releases_the_newest(self) -> None:
        change = self.plan({**NY, "count_requested": 1}, LA)
        assert change.purchases == []
        assert [(r.key, r.numbers) for r in change.releases] == [
            ("name:ny", ["+12125550001", "+12125550002"])
        ]

    def test_new_group_is_bought(self) -> None:
        extra = group(national_destination_code="646", count_requested=4)
        change = self.plan(NY, LA, extra)
        assert [(p.key, p.count) for p in change.purchases] == [(group_key(extra), 4)]

    def test_removed_group_is_released(self) -> None:
        change = self.plan(NY)
        assert [(r.key, len(r.numbers)) for r in change.releases] == [("name:la", 2)]

    def test_criteria_change_buys_new_then_releases_old(self) -> None:
        change = self.plan({**NY, "national_destination_code": "646"}, LA)
        assert [(p.key, p.count, p.replace) for p in change.purchases] == [("name:ny", 3, True)]
        assert [(r.key, len(r.numbers)) for r in change.replaced] == [("name:ny", 3)]
        assert change.releases == []

    def test_strategy_only_affects_future_orders(self) -> None:
        change = self.plan({**NY, "strategy": "never", "quickship": True}, LA)
        assert change.empty
        assert change.notes == [
            "group 'ny': strategy, quickship changed; only future orders use it"
        ]

    def test_naming_a_group_renames_it(self) -> None:
        unnamed = {k: v for k, v in NY.items() if k != "name"}
        state = state_from_outputs(stored(unnamed, LA))
        change = plan_pool(state, [{**unnamed, "name": "ny"}, LA])
        assert change.renames == [(group_key(unnamed), "name:ny")]
        assert change.empty is False
        assert change.purchases == change.releases == []


class TestPreviewText:
    """The words a user reads at preview, per group."""

    def test_every_kind_of_change_is_described(self) -> None:
        old = stored()
        news = inputs(
            {**NY, "count_requested": 1},
            {**LA, "national_destination_code": "646"},
            group(name="tf", phone_number_type="toll_free", count_requested=2),
            connection_id="c-9",
            deletion_lock=True,
        )
        text = describe_changes("support", old, plan_diff(old, news))
        assert text.splitlines() == [
            "support: changes in place:",
            "  - group 'la' criteria changed (national_destination_code 213 -> 646): buy 2 new, "
            "then release the 2 owned now: +12135550000, +12135550001",
            "  - new group 'tf': buy 2",
            "  - group 'ny' shrinks to 1 (owns 3): release 2 (newest first): "
            "+12125550001, +12125550002",
            "  - connection_id will change on 1 number",
            "  - deletion_lock turns on for 1 number",
        ]


class TestLegacyState:
    """State written by 0.1 (one order, no per-group numbers) still plans correctly."""

    def test_single_group_legacy_state_shrinks_in_place(self) -> None:
        old = {
            **inputs(group(count_requested=2)),
            "order_id": "o-1",
            "status": "success",
            "groups": [{"status": "success"}],
            "phone_numbers": ["+12125550100", "+12125550101"],
            "phone_number_ids": ["1", "2"],
        }
        plan = plan_diff(old, inputs(group(count_requested=1)))
        assert plan.replaces == []
        assert plan.pool is not None
        assert [r.numbers for r in plan.pool.releases] == [["+12125550101"]]
