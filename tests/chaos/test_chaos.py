"""The fault campaign: its accounting catches what it must, and one planned run end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.chaos.accounting import Ledger, audit, classify
from benchmarks.chaos.plan import SOLO_REFERENCE, TWINS_REFERENCE, Kill, RunPlan, StepPlan, draw
from benchmarks.chaos.report import END, START, summarise, write
from benchmarks.chaos.scenario import Scenario
from pulumi_bulknumbers.sandbox import Sandbox
from pulumi_bulknumbers.testing import (
    DeploymentError,
    ProviderKilledError,
    ResourceState,
    StackState,
)

TYPE = "pulumi-python:dynamic/telnyx:BulkNumberOrder"


def buy(sandbox: Sandbox, reference: str, count: int) -> str:
    """Place a bulk order behind Pulumi's back; returns its id once it has bought."""
    with httpx.Client(
        transport=sandbox.transport(), base_url="https://api.telnyx.com/v2",
        headers={"Authorization": "Bearer k"},
    ) as http:  # fmt: skip
        group = {"country_iso": "US", "phone_number_type": "local", "count_requested": str(count)}
        body = {"ordering_groups": [group], "customer_reference": reference}
        order_id: str = http.post("/inexplicit_number_orders", json=body).json()["data"]["id"]
        http.get(f"/inexplicit_number_orders/{order_id}")  # processing_seconds=0: done now
    return order_id


def state_recording(order_id: str, numbers: list[str]) -> StackState:
    """A state whose one pool records ``order_id`` and ``numbers``."""
    outputs: dict[str, Any] = {"order_ids": [order_id], "phone_numbers": numbers}
    pool = ResourceState(f"urn:pulumi:dev::chaos::{TYPE}::solo", TYPE, order_id, {}, outputs)
    return StackState("chaos", "dev", [pool])


class TestAccounting:
    def test_a_deliberately_orphaned_order_is_caught(self) -> None:
        """An order no state records, whose numbers stay owned, is a duplicate and an orphan."""
        with Sandbox() as sandbox:
            recorded = buy(sandbox, SOLO_REFERENCE, 2)
            recorded_numbers = list(sandbox.owned_numbers())
            orphan = buy(sandbox, SOLO_REFERENCE, 3)
            ledger = Ledger()
            ledger.record(state_recording(recorded, recorded_numbers))
            owned = set(sandbox.owned_numbers()) - set(recorded_numbers)  # as if destroyed
            figures = audit(sandbox.dump(), ledger, {SOLO_REFERENCE: 1}, owned)
        assert (figures.orders_bought, figures.orders_intended) == (2, 1)
        assert (figures.duplicates, figures.orphans, figures.orphan_ids) == (1, 1, (orphan,))
        assert (figures.numbers_lost, figures.owned_after_destroy) == (3, 3)

    def test_a_sound_run_has_nothing_to_report(self) -> None:
        """Recorded orders whose numbers were all released count as intended, nothing more."""
        with Sandbox() as sandbox:
            order = buy(sandbox, TWINS_REFERENCE, 2)
            ledger = Ledger()
            ledger.record(state_recording(order, list(sandbox.owned_numbers())))
            figures = audit(sandbox.dump(), ledger, {TWINS_REFERENCE: 1}, set())
        assert (figures.duplicates, figures.orphans, figures.numbers_lost) == (0, 0, 0)

    def test_releases_are_judged_by_what_the_step_asked(self) -> None:
        """Destroy asks for all; a shrink for its surplus of its own pool; nothing else asks."""
        ledger = Ledger()
        owners = {"+1": "twin-b", "+2": "twin-b", "+3": "solo"}
        ledger.released({"+1", "+2", "+3"}, asked_all=True, allowance={}, owners=owners)
        assert ledger.released_unasked == set()
        ledger.released({"+1", "+2", "+3"}, asked_all=False, allowance={"twin-b": 1}, owners=owners)
        assert ledger.released_unasked == {"+2", "+3"}

    def test_recorded_numbers_released_unasked_are_lost(self) -> None:
        """A number the state recorded and a refresh released counts as lost."""
        with Sandbox() as sandbox:
            order = buy(sandbox, SOLO_REFERENCE, 1)
            numbers = list(sandbox.owned_numbers())
            ledger = Ledger()
            ledger.record(state_recording(order, numbers))
            ledger.released(set(numbers), asked_all=False, allowance={}, owners={})
            figures = audit(sandbox.dump(), ledger, {SOLO_REFERENCE: 1}, set())
        assert (figures.released_unasked, figures.numbers_lost) == (1, 1)


class TestClassify:
    @pytest.mark.parametrize(
        ("error", "expected"),
        [
            (None, "ok"),
            (DeploymentError("urn: check failed: ordering_groups: at least one group"), "clear"),
            (DeploymentError("urn: Create failed (UNKNOWN): Traceback (most recent call last):\n"
                             '  File "x.py", line 1, in f\n'
                             "pulumi_bulknumbers.errors.OrderFailedError: pool: bought nothing"),
             "clear"),
            (DeploymentError("urn: Read failed (UNKNOWN): Traceback (most recent call last):\n"
                             '  File "x.py", line 1, in f\n    d["k"]\nKeyError: \'order_id\'\n'),
             "crash"),
            (DeploymentError("Traceback (most recent call last):\n  File \"x\", line 2\n"
                             "json.decoder.JSONDecodeError: Expecting value: line 1 column 1"),
             "crash"),
            (ProviderKilledError("killed", None, urn="u", method="Create", reason="r"), "killed"),
            (TypeError("harness bug"), "crash"),
        ],
    )  # fmt: skip
    def test_outcomes(self, error: BaseException | None, expected: str) -> None:
        """Domain errors and engine messages are clear; raw exceptions are crashes."""
        assert classify(error)[0] == expected

    def test_the_line_shown_names_the_exception(self) -> None:
        """The message kept for the report is the provider's exception line."""
        error = DeploymentError("Traceback (most recent call last):\n  File \"x\"\nKeyError: 'a'")
        assert classify(error) == ("crash", "KeyError: 'a'")


class TestRunsAndReport:
    def test_plans_replay_from_their_seed(self) -> None:
        """The same seed draws the same plan; kills can be left out."""
        assert draw(10_042) == draw(10_042)
        assert all(step.kill is None for step in draw(10_042, kills=False).steps)

    def test_a_kill_after_the_order_post_is_rerun_and_accounted(self, tmp_path: Path) -> None:
        """Killed right after the bulk order POST, then re-run clean: the audit balances."""
        steps = (
            StepPlan("up", 1, Kill("order_post", 0.0)),
            StepPlan("refresh", 2),
            StepPlan("update", 3),
            StepPlan("destroy", 4),
        )
        report = Scenario(RunPlan(7, 0.0, steps), tmp_path).run()
        assert report.harness_error is None
        assert [(a.step, a.outcome) for a in report.attempts[:2]] == [
            ("up", "killed"),
            ("up", "ok"),
        ]
        assert [a.step for a in report.attempts[2:]] == ["refresh", "update", "destroy"]
        assert report.kills == 1
        audit_ = report.audit
        assert audit_ is not None
        assert (audit_.orders_bought, audit_.orders_intended) == (4, 4)
        assert (audit_.duplicates, audit_.orphans, audit_.numbers_lost) == (0, 0, 0)
        summary = summarise([report], command="test", seed=0, commit="x")
        assert (summary["runs"], summary["provider_kills"], summary["findings"]) == (1, 1, [])

    def test_the_readme_section_is_replaced_between_its_markers(self, tmp_path: Path) -> None:
        """Only the text between the markers changes; a README without them gets one appended."""
        summary = summarise([], command="make chaos", seed=1, commit="abc")
        readme, results = tmp_path / "README.md", tmp_path / "results.json"
        readme.write_text(f"# Title\n\nbefore\n{START}\nstale figures\n{END}\nafter\n")
        write(summary, results, readme)
        text = readme.read_text()
        assert text.startswith("# Title\n\nbefore\n")
        assert text.endswith(f"{END}\nafter\n")
        assert "stale figures" not in text
        assert "| runs | 0 |" in text
        readme.write_text("# Title\n")
        write(summary, results, readme)
        assert readme.read_text().startswith(f"# Title\n\n{START}\n## Fault campaign\n")
