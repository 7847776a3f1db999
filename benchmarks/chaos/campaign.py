"""Many runs, in parallel worker processes, each reported as it ends."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import partial

from benchmarks.chaos.scenario import RunReport, run_seed

SEED_STRIDE = 10_000
"""Run i of campaign seed S has seed S * SEED_STRIDE + i: campaigns never share a run."""


def run_seeds(base: int, runs: int) -> list[int]:
    """The seeds of a campaign's runs."""
    return [base * SEED_STRIDE + i for i in range(runs)]


def run_campaign(
    seeds: Sequence[int],
    *,
    jobs: int = 2,
    kills: bool = True,
    progress: Callable[[int, RunReport], None] | None = None,
) -> list[RunReport]:
    """Run every seed (``jobs`` at a time) and return the reports in seed order.

    ``progress(done, report)`` is called in this process as each run ends.
    """
    reports: list[RunReport] = []
    work = partial(run_seed, kills=kills)
    if jobs <= 1:
        for seed in seeds:
            reports.append(work(seed))
            if progress is not None:
                progress(len(reports), reports[-1])
    else:
        # spawn: a fresh interpreter per worker, nothing inherited from this one's threads.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [pool.submit(work, seed) for seed in seeds]
            for future in as_completed(futures):
                reports.append(future.result())
                if progress is not None:
                    progress(len(reports), reports[-1])
    return sorted(reports, key=lambda r: r.seed)
