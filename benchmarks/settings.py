"""The knobs of a benchmark run: full size for `make bench`, tiny for the smoke test."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Sizes, timings and sandbox settings every scenario reads (the issue's numbers by default)."""

    latency_ms: int = 50
    """Added by the sandbox to every request."""
    pool_size: int = 10_000
    """The large pool: refresh, settings change, release, preview, memory."""
    pool_processing_seconds: float = 5.0
    """How long the sandbox takes to fulfil the large pools' bulk orders."""
    job_seconds: float = 10.0
    """How long each phone-number job (delete, update) takes in the sandbox."""
    baseline_workers: int = 16
    """Requests the per-number baselines keep in flight at once."""
    fulfilment_seconds: tuple[float, ...] = (5.0, 60.0, 600.0)
    """Order durations for fulfilment detection, measured in simulated time."""
    real_time_fulfilment: tuple[float, ...] = (5.0, 60.0)
    """The durations also run in real time through the provider process."""
    fulfilment_pool: int = 100
    """Numbers per order in the fulfilment scenario."""
    poll_budgets: tuple[tuple[float, int], ...] = ((600.0, 25),)
    """(order duration, most polls allowed) pairs from the issue."""
    fixed_intervals: tuple[float, ...] = (1.0, 10.0)
    """The fixed-interval pollers the fulfilment scenario compares against."""
    workflow_size: int = 1_000
    """Numbers bought by the standard workflow and by one bulk order."""
    workflow_processing_seconds: float = 5.0
    """Processing time of both workflows' orders."""
    pools: int = 20
    """Pools in the rate-limited program."""
    pool_each: int = 500
    """Numbers per pool in the rate-limited program."""
    rate_limit: float = 20.0
    """Requests a second the rate-limited sandbox allows."""
    repeats: int = 5
    """Repetitions for the small timings (process start, import, check and diff)."""


FULL = Settings()

SMOKE = Settings(
    latency_ms=0,
    pool_size=300,
    pool_processing_seconds=0.2,
    job_seconds=0.2,
    baseline_workers=4,
    fulfilment_seconds=(1.0, 3.0),
    real_time_fulfilment=(1.0,),
    fulfilment_pool=5,
    poll_budgets=((3.0, 25),),
    workflow_size=300,
    workflow_processing_seconds=0.2,
    pools=3,
    pool_each=20,
    rate_limit=50.0,
    repeats=1,
)
"""Small enough for the test suite: shows every scenario runs, measures nothing worth reading."""
