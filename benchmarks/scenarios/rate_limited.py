"""Twenty pools of 500 numbers in one program, against a sandbox allowing 20 requests a second.

Two runs, each on a fresh sandbox with the same rate limit:

- the program through the engine stand-in (`run_program`), which carries out one resource step
  at a time;
- the same twenty checks and creates sent all at once to one provider process, as the Pulumi
  engine does with independent resources (the Python provider answers four calls at a time).

Both must succeed with no error, and take at most 1.5 x the time the requests need at the rate
limit. Requests here are those the sandbox accepted (429 answers are counted separately), which
is the stricter reading of "requests made".
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks.harness import Live, Progress, Step, live_sandbox, pools_program
from benchmarks.report import Row
from benchmarks.settings import Settings
from pulumi_bulknumbers.testing import ResourceState, run_program
from pulumi_bulknumbers.waiter import PollSchedule

SLACK = 1.5


def run(settings: Settings, progress: Progress) -> list[Row]:
    """Rows: the program through the stand-in, and the same creates in parallel."""
    names = [f"pool-{i:02d}" for i in range(1, settings.pools + 1)]
    with live_sandbox(settings, rate_limit=settings.rate_limit) as live:
        progress(f"one program, {settings.pools} pools of {settings.pool_each}, serial steps")
        engine = live.engine("rate-limited")
        with live.measure() as serial:
            run_program(pools_program(names, settings.pool_each), engine=engine)
        resources = list(engine.state.resources)
        serial_ok = _all_bought(live, [r.outputs for r in resources], settings)
        serial_logs = _retry_lines(engine.last_run.logs)
    with live_sandbox(settings, rate_limit=settings.rate_limit) as live:
        progress(f"the same {settings.pools} creates at once to one provider process")
        with live.measure() as parallel, live.process("rate-limited") as process:
            with ThreadPoolExecutor(max_workers=len(resources)) as pool:
                outputs = list(pool.map(lambda r: _check_and_create(process, r), resources))
            parallel_logs = _retry_lines(process.logs)
        parallel_ok = _all_bought(live, outputs, settings)
    return [
        _row("one program, stand-in (one step at a time)", serial, serial_ok, serial_logs,
             settings, parallel=False),
        _row("the same creates in parallel, as the engine sends them", parallel, parallel_ok,
             parallel_logs, settings, parallel=True),
    ]  # fmt: skip


def _check_and_create(process: Any, res: ResourceState) -> dict[str, Any]:
    """What the engine does for a new resource: Check, then Create with the checked inputs."""
    checked = process.check(res.urn, {}, res.inputs)
    if checked.failures:
        raise RuntimeError(f"{res.urn}: check failed: {checked.failures}")
    outputs: dict[str, Any] = process.create(res.urn, checked.inputs).outputs
    return outputs


def _all_bought(live: Live, outputs: list[dict[str, Any]], settings: Settings) -> bool:
    """Every pool succeeded with all its numbers, and the account owns exactly those."""
    complete = all(
        o.get("status") == "success" and len(o.get("phone_numbers") or []) == settings.pool_each
        for o in outputs
    )
    return complete and len(live.sandbox.owned_numbers()) == settings.pools * settings.pool_each


def _retry_lines(logs: list[str]) -> int:
    """Provider log lines about retrying (what a user would see with verbose logging)."""
    return sum(1 for line in logs if "retry" in line.lower())


def _row(
    how: str, step: Step, ok: bool, retries: int, settings: Settings, *, parallel: bool
) -> Row:
    accepted = step.requests - step.rate_limited
    allowed = SLACK * accepted / settings.rate_limit
    met = ok and step.wall <= allowed
    note = (
        f"{accepted} requests accepted, {step.rate_limited} answered 429, {retries} provider log "
        f"lines about retries; all {settings.pools} pools "
        + ("succeeded with every number. " if ok else "did NOT all succeed. ")
        + f"For {step.idle:.1f} s of the {step.wall:.1f} s no request was in flight."
    )
    if ok and step.wall > allowed:
        first = PollSchedule().interval(0)
        why = (
            "the provider answers four calls at a time, and each create still waits "
            f"{first:g} s before its first poll"
            if parallel
            else "the stand-in carries out one step at a time (the real engine runs "
            "independent resources together, as in the next row), so each create's wait "
            f"before its first poll ({first:g} s), its provider call overheads and its requests "
            f"add up across the {settings.pools} pools"
        )
        note += (
            f" Gap: {step.wall:.1f} s, not {allowed:.1f} s. The time goes to waiting, not to the "
            f"rate limit: {why}."
        )
    return Row(
        scenario=f"{settings.pools} pools of {settings.pool_each}, {settings.rate_limit:g} req/s: "
        + how,
        ours=f"{'all succeeded' if ok else 'FAILED'}, {step.requests} requests, {step.wall:.1f} s",
        target=f"all succeed, <= {SLACK:g} x {accepted}/{settings.rate_limit:g} = {allowed:.1f} s",
        met=met,
        note=note,
        figures={**step.figures(), "accepted": accepted, "allowed_s": round(allowed, 2),
                 "succeeded": ok, "retry_log_lines": retries},
    )  # fmt: skip
