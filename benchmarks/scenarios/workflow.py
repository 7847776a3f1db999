"""The standard workflow beside one bulk order: 1,000 numbers bought each way.

Ours: `up` of a 1,000-number pool through the provider process (one bulk order, waited for,
numbers resolved). Baseline: searches of up to 250 available numbers, each followed by an
explicit number order for exactly those, the orders waited for, and the numbers' ids read by
their label (`baselines.search_and_order`), through the client in this process. Both run
against the same sandbox, whose orders (bulk and explicit) take the same processing time.
"""

from __future__ import annotations

from benchmarks.baselines import search_and_order
from benchmarks.harness import ProcessProbe, Progress, live_sandbox, pool_program, versus
from benchmarks.report import Row
from benchmarks.settings import Settings
from pulumi_bulknumbers.testing import run_program


def run(settings: Settings, progress: Progress) -> list[Row]:
    """One row: requests and wall time of each way, and their ratio."""
    n = settings.workflow_size
    with live_sandbox(settings, processing_seconds=settings.workflow_processing_seconds) as live:
        probe = ProcessProbe()
        engine = live.engine("workflow", probe)
        progress(f"ours: one bulk order for {n:,} numbers through the provider process")
        with live.measure() as ours:
            run_program(pool_program("workflow-pool", n), engine=engine)
        bought = len(engine.state.by_name("workflow-pool").outputs["phone_numbers"])
        progress(f"baseline: search and explicit number orders for {n:,} numbers")
        with live.measure() as baseline, live.client() as client:
            found = search_and_order(client, n, customer_reference="standard-workflow")
    if bought != n or len(found) != n:
        raise RuntimeError(f"bought {bought} (ours) and {len(found)} (baseline), not {n}")
    (create,) = probe.calls("create")
    searches = baseline.count("GET", "/v2/available_phone_numbers")
    orders = baseline.count("POST", "/v2/number_orders")
    return [
        Row(
            scenario=f"standard workflow vs one bulk order, {n:,} numbers",
            ours=f"{ours.requests} requests, {ours.wall:.2f} s",
            baseline=(
                f"{baseline.requests} requests, {baseline.wall:.2f} s ({searches} searches, "
                f"{orders} number orders)"
            ),
            ratio=versus(ours, baseline),
            target="reported",
            met=None,
            note=(
                f"Orders of both kinds take {settings.workflow_processing_seconds:g} s in the "
                f"sandbox. Ours includes the provider process and the engine: its Create call "
                f"took {create.seconds:.2f} s of the {ours.wall:.2f} s."
            ),
            figures={
                "ours": ours.figures(),
                "baseline": baseline.figures(),
                "ours_create_s": round(create.seconds, 3),
                "baseline_searches": searches,
                "baseline_number_orders": orders,
            },
        )
    ]
