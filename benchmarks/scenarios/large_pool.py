"""A 10,000-number pool through its lifecycle, each step beside the per-number way of doing it.

Ours, each step through the real provider process (`MiniEngine`): `up` creates the pool (the
provider process's peak RSS is read as it stops), `preview` with nothing changed, `refresh`, an
`up` that changes `connection_id` on every number, and `destroy`. Check and diff are also timed
on their own, in a provider process that has already answered one call, and once more with the
number lists left out of the old outputs, to show what their cost is made of.

The baselines run in the same sandbox on a second pool of the same size, bought with one bulk
order through the client: one GET, one PATCH and one DELETE per number, `baseline_workers`
requests in flight at once.
"""

from __future__ import annotations

import time
from typing import Any

from google.protobuf import struct_pb2

from benchmarks.baselines import one_request_per_number
from benchmarks.harness import (
    JOBS_PATH,
    NUMBERS_PATH,
    Live,
    ProcessProbe,
    Progress,
    Rpc,
    Step,
    bulk_request,
    live_sandbox,
    median,
    pool_program,
    versus,
)
from benchmarks.report import Row
from benchmarks.settings import Settings
from pulumi_bulknumbers.testing import MiniEngine, run_program
from pulumi_bulknumbers.waiter import wait_until

NAME = "big-pool"
BASELINE_REFERENCE = "per-number-baseline"
REQUEST_BUDGET = 60
REFRESH_SECONDS = 2.0
PREVIEW_SECONDS = 0.050
RSS_BUDGET = 150 * 1024 * 1024
LIST_ALLOWANCE = REFRESH_SECONDS
"""A release lists the pool first: the refresh target's time for that."""


def release_allowance(job_seconds: float) -> float:
    """What "bounded by the jobs' own processing" allows, from the issue's other targets.

    The issue sets no number; we take the jobs' time, plus the refresh target to list the pool
    first, plus the fulfilment target to notice the jobs' end (1 s + 10 % of their time).
    """
    return job_seconds + LIST_ALLOWANCE + 1.0 + 0.1 * job_seconds


def run(settings: Settings, progress: Progress) -> list[Row]:
    """Rows: preview, refresh, settings change, release, memory."""
    n = settings.pool_size
    with live_sandbox(
        settings,
        processing_seconds=settings.pool_processing_seconds,
        job_seconds=settings.job_seconds,
    ) as live:
        probe = ProcessProbe()
        engine = live.engine("large-pool", probe)
        progress(f"up: creating a {n:,}-number pool through the provider process")
        with live.measure() as create:
            run_program(pool_program(NAME, n, connection_id="conn-a"), engine=engine)
        create_peak = probe.peak_rss_bytes[-1]

        progress("preview, unchanged; then check and diff timed in a warm provider process")
        preview_probe = ProcessProbe()
        engine.on_process_start = preview_probe
        with live.measure() as preview:
            run_program(pool_program(NAME, n, connection_id="conn-a"), engine=engine, preview=True)
        warm = _check_and_diff(live, engine, settings.repeats)

        runs = min(3, settings.repeats)
        progress(f"refresh, {runs} times (the median is reported)")
        engine.on_process_start = probe
        refreshes = []
        for _ in range(runs):
            with live.measure() as step:
                engine.refresh()
            refreshes.append((step, probe.calls("read")[-1]))
        page = _one_page(live)

        progress("settings change: connection_id on every number")
        with live.measure() as update:
            run_program(pool_program(NAME, n, connection_id="conn-b"), engine=engine)
        _expect_connection(live, "conn-b", n)

        progress(f"baseline pool: {n:,} numbers bought with one bulk order by the client")
        baseline = _baseline_steps(live, settings, progress)

        progress("destroy")
        with live.measure() as release:
            engine.destroy()
        left = live.sandbox.owned_numbers()
        if left:
            raise RuntimeError(f"{len(left)} numbers still owned after both releases")

    return [
        _preview_row(preview, preview_probe, warm, n),
        _refresh_row(refreshes, baseline["GET"], page, n, settings),
        _jobs_row("settings change", update, baseline["PATCH"], n, settings, "update"),
        _jobs_row("release (destroy)", release, baseline["DELETE"], n, settings, "delete"),
        _memory_row(create, create_peak, preview_probe, n),
    ]


# -- measuring ---------------------------------------------------------------------------------


def _check_and_diff(live: Live, engine: MiniEngine, repeats: int) -> dict[str, Any]:
    """Check then diff of the stored pool, unchanged, in a process that has answered before.

    Then the same diff with every long list left out of the old outputs, and the time this
    process takes to build the Diff request's old outputs as protobuf (the engine's side).
    """
    (res,) = engine.state.resources
    lean = _without_long_lists(res.outputs)
    with live.measure() as step, live.process("large-pool") as process:
        probe = ProcessProbe()
        probe(process)
        for _ in range(repeats + 1):  # the first call also imports the package
            checked = process.check(res.urn, res.inputs, res.inputs)
            process.diff(res.id, res.outputs, checked.inputs, res.inputs, urn=res.urn)
        for _ in range(repeats):
            process.diff(res.id, lean, checked.inputs, res.inputs, urn=res.urn)
    diffs = probe.calls("diff")
    marshal = []
    for _ in range(repeats):
        began = time.perf_counter()
        struct_pb2.Struct().update(res.outputs)
        marshal.append(time.perf_counter() - began)
    return {
        "requests": step.requests,
        "check_s": median([c.seconds for c in probe.calls("check")[1:]]),
        "diff_s": median([d.seconds for d in diffs[1 : repeats + 1]]),
        "lean_diff_s": median([d.seconds for d in diffs[repeats + 1 :]]),
        "marshal_s": median(marshal),
        "strings": _strings(res.outputs),
    }


def _without_long_lists(value: Any) -> Any:
    """`value` with every list of more than 100 items emptied (the per-number lists)."""
    if isinstance(value, dict):
        return {k: _without_long_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        return [] if len(value) > 100 else [_without_long_lists(v) for v in value]
    return value


def _strings(value: Any) -> int:
    """How many strings `value` holds, nested."""
    if isinstance(value, dict):
        return sum(_strings(v) for v in value.values())
    if isinstance(value, list):
        return sum(_strings(v) for v in value)
    return 1 if isinstance(value, str) else 0


def _one_page(live: Live) -> float:
    """Seconds for one page of 250 owned numbers, alone (latency, rendering, parsing)."""
    with live.client() as client:
        began = time.perf_counter()
        client.list_phone_numbers(page_size=250)
        return time.perf_counter() - began


def _expect_connection(live: Live, connection_id: str, count: int) -> None:
    with live.client() as client:
        page = client.list_phone_numbers(connection_id=connection_id, page_size=1)
    if page.meta.total_results < count:
        raise RuntimeError(
            f"only {page.meta.total_results} of {count} numbers have connection {connection_id}"
        )


def _baseline_steps(live: Live, settings: Settings, progress: Progress) -> dict[str, Step]:
    """A second pool, then one GET, one PATCH and one DELETE per number."""
    steps: dict[str, Step] = {}
    with live.client() as client:
        order = client.create_bulk_order(bulk_request(settings.pool_size, BASELINE_REFERENCE))
        wait_until(
            lambda: client.get_bulk_order(order.id), lambda o: o.done, timeout=3600, initial=order
        )
        ids = [n.id for n in client.iter_phone_numbers(customer_reference=BASELINE_REFERENCE)]
        actions = {
            "GET": client.get_phone_number,
            "PATCH": lambda i: client.update_phone_number(i, connection_id="conn-b"),
            "DELETE": client.delete_phone_number,
        }
        for method, action in actions.items():
            progress(f"baseline: one {method} per number, {settings.baseline_workers} at a time")
            with live.measure() as steps[method]:
                one_request_per_number(action, ids, workers=settings.baseline_workers)
    return steps


# -- rows --------------------------------------------------------------------------------------


def _baseline_text(step: Step, workers: int) -> str:
    return f"{step.requests:,} requests, {step.wall:.1f} s ({workers} in flight)"


def _preview_row(preview: Step, probe: ProcessProbe, warm: dict[str, Any], n: int) -> Row:
    requests = preview.requests + warm["requests"]
    first = probe.total("check") + probe.total("diff")
    steady = warm["check_s"] + warm["diff_s"]
    met = requests == 0 and steady <= PREVIEW_SECONDS
    note = (
        f"Median check {warm['check_s'] * 1000:.0f} ms + diff {warm['diff_s'] * 1000:.0f} ms "
        "(gRPC round trips included) in a provider process that has answered before. In the "
        f"preview run itself they took {first * 1000:.0f} ms: the first call in a fresh "
        "provider process unpickles the provider and so imports the package (see the import "
        f"row); the whole preview, program and provider start included, took {preview.wall:.2f} "
        "s. Our check and diff compare declared inputs only; what costs is the "
        f"{warm['strings']:,} strings of the old outputs crossing gRPC on every Diff: the same "
        f"diff with the per-number lists left out takes {warm['lean_diff_s'] * 1000:.0f} ms."
    )
    if not met:
        note += (
            f" Gap: building the request's protobuf takes {warm['marshal_s'] * 1000:.0f} ms in "
            "the engine stand-in (Go in the real engine), and the Pulumi SDK's "
            "rpc.deserialize_properties decodes every old output in the provider process before "
            "our diff runs. The outputs hold each number twice (phone_numbers and "
            "phone_number_ids; groups keep positions, not copies), and those are the outputs "
            "users wire: reaching 50 ms would mean leaving the numbers out of what Diff "
            "receives."
        )
    return Row(
        scenario=f"preview (check and diff), {n:,}-number pool",
        ours=f"{requests} requests, check + diff {steady * 1000:.0f} ms",
        target=f"0 requests, <= {PREVIEW_SECONDS * 1000:.0f} ms",
        met=met,
        note=note,
        figures={
            "requests": requests,
            **{k: round(v, 4) for k, v in warm.items() if k.endswith("_s")},
            "old_output_strings": warm["strings"],
            "first_check_and_diff_s": round(first, 4),
            "preview_wall_s": round(preview.wall, 3),
        },
    )


def _refresh_row(
    refreshes: list[tuple[Step, Rpc]], baseline: Step, page: float, n: int, settings: Settings
) -> Row:
    ranked = sorted(refreshes, key=lambda r: r[0].wall)
    refresh, read = ranked[len(ranked) // 2]
    pages = [s for s in refresh.at("GET", NUMBERS_PATH) if s.path == NUMBERS_PATH]
    listing = pages[-1].answered - pages[0].received if pages else 0.0
    met = refresh.requests <= REQUEST_BUDGET and refresh.wall <= REFRESH_SECONDS
    walls = ", ".join(f"{r.wall:.2f}" for r, _ in refreshes)
    note = (
        f"Median of {len(refreshes)} refreshes ({walls} s). {len(pages)} of the "
        f"{refresh.requests} requests list the pool, 250 numbers a page, "
        f"{_most_in_flight(pages)} at a time: {listing:.2f} s. The Read call took "
        f"{read.seconds:.2f} s; it began {read.sent - refresh.began:.2f} s into the refresh "
        "(starting the provider process). One page alone takes "
        f"{page * 1000:.0f} ms ({settings.latency_ms} ms of it the sandbox's latency)."
    )
    if refresh.wall > REFRESH_SECONDS:
        note += (
            f" Gap: {refresh.wall:.2f} s, not {REFRESH_SECONDS:g}: with pages in parallel the "
            f"listing is bound by CPU (the sandbox rendering {n:,} numbers, the provider parsing "
            "them, on the same 2 cores), plus the provider process's start."
        )
    return Row(
        scenario=f"refresh, {n:,}-number pool",
        ours=f"{refresh.requests} requests, {refresh.wall:.2f} s",
        baseline=_baseline_text(baseline, settings.baseline_workers),
        ratio=versus(refresh, baseline),
        target=f"<= {REQUEST_BUDGET} requests, <= {REFRESH_SECONDS:g} s",
        met=met,
        note=note,
        figures={
            "ours": refresh.figures(),
            "ours_walls_s": [round(r.wall, 3) for r, _ in refreshes],
            "baseline": baseline.figures(),
            "read_s": round(read.seconds, 3),
            "listing_s": round(listing, 3),
            "one_page_s": round(page, 3),
        },
    )


def _most_in_flight(stamps: list[Any]) -> int:
    """The most of these requests the sandbox held at once."""
    events = sorted([(s.received, 1) for s in stamps] + [(s.answered, -1) for s in stamps])
    most = current = 0
    for _, change in events:
        current += change
        most = max(most, current)
    return most


def _phases(step: Step, job_seconds: float) -> dict[str, Any]:
    """Where a step that runs phone-number jobs spends its time and requests."""
    pages = [s for s in step.at("GET", NUMBERS_PATH) if s.path == NUMBERS_PATH]
    posts = step.at("POST", JOBS_PATH)
    polls = step.at("GET", JOBS_PATH)
    last_due = (posts[-1].answered if posts else step.began) + job_seconds
    return {
        "list_pages": len(pages),
        "jobs": len(posts),
        "job_polls": len(polls),
        "listed_by_s": round(pages[-1].answered - step.began, 3) if pages else 0.0,
        "submitting_s": round(posts[-1].answered - posts[0].received, 3) if posts else 0.0,
        "last_job_due_s": round(last_due - step.began, 3),
        "after_last_due_s": round(step.began + step.wall - last_due, 3),
    }


def _jobs_row(what: str, step: Step, baseline: Step, n: int, settings: Settings, kind: str) -> Row:
    p = _phases(step, settings.job_seconds)
    other = step.requests - p["list_pages"] - p["jobs"] - p["job_polls"]
    release = kind == "delete"
    allowed = release_allowance(settings.job_seconds)
    met = step.requests <= REQUEST_BUDGET and (not release or step.wall <= allowed)
    note = (
        f"{p['list_pages']} pages listing the pool (done {p['listed_by_s']:.1f} s in, provider "
        f"start included), {p['jobs']} {kind} jobs of <= 1,000 numbers (submitted over "
        f"{p['submitting_s']:.1f} s), {p['job_polls']} job polls, {other} other. Each job takes "
        f"{settings.job_seconds:g} s in the sandbox, so the last was done "
        f"{p['last_job_due_s']:.1f} s in, and the step ended {p['after_last_due_s']:.1f} s later."
    )
    if release:
        note += (
            f" The issue gives no number for the wall time: we allow the jobs' "
            f"{settings.job_seconds:g} s, plus {LIST_ALLOWANCE:g} s to list the pool (the refresh "
            f"target), plus 1 s + 10 % of the jobs' time to notice their end (the fulfilment "
            f"target): {allowed:g} s; the time beyond the jobs' own was "
            f"{step.wall - settings.job_seconds:.1f} s."
        )
    if step.requests > REQUEST_BUDGET:
        note += (
            f" Gap: {step.requests} requests, not {REQUEST_BUDGET}: listing the pool costs "
            f"{p['list_pages']} (every number is listed before acting, since Telnyx refuses a "
            f"whole job naming a number no longer owned), the jobs {p['jobs']} more, and each "
            "of the pool's orders one GET, to check that no other pool instance has recorded "
            "it since (the guard that keeps a replaced pool from releasing its successor's "
            "numbers)."
        )
    if release and step.wall > allowed:
        note += (
            f" Gap: {step.wall:.1f} s, not {allowed:g} s: listing the pool takes "
            f"{p['listed_by_s']:.1f} s before any job starts, the {p['jobs']} jobs are submitted "
            f"over {p['submitting_s']:.1f} s (four at a time), and their end is "
            f"noticed {p['after_last_due_s']:.1f} s after the last one's."
        )
    return Row(
        scenario=f"{what}, {n:,}-number pool",
        ours=f"{step.requests} requests, {step.wall:.2f} s",
        baseline=_baseline_text(baseline, settings.baseline_workers),
        ratio=versus(step, baseline),
        target=f"<= {REQUEST_BUDGET} requests"
        + (f", <= {allowed:g} s (jobs {settings.job_seconds:g} s)" if release else ""),
        met=met,
        note=note,
        figures={"ours": step.figures(), "baseline": baseline.figures(), **p},
    )


def _memory_row(create: Step, peak: int, idle: ProcessProbe, n: int) -> Row:
    idle_peak = max(idle.peak_rss_bytes) if idle.peak_rss_bytes else 0
    return Row(
        scenario=f"memory, creating a {n:,}-number pool",
        ours=f"peak RSS {peak / 2**20:.0f} MB",
        baseline=f"provider after a preview: {idle_peak / 2**20:.0f} MB" if idle_peak else "",
        target=f"<= {RSS_BUDGET / 2**20:.0f} MB",
        met=peak <= RSS_BUDGET,
        note=(
            "VmHWM of the provider process, read just before it stops (the baseline column: the "
            f"same after a preview, which loads the package and touches no number). The create "
            f"took {create.requests} requests and {create.wall:.2f} s."
        ),
        figures={
            "peak_rss_bytes": peak,
            "idle_peak_rss_bytes": idle_peak,
            "create": create.figures(),
        },
    )
