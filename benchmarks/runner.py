"""Run scenarios in order, printing progress, and gather their rows into one report."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict

from benchmarks.report import Report, Row, machine_info
from benchmarks.scenarios import SCENARIOS
from benchmarks.settings import Settings


def run(
    settings: Settings,
    names: Sequence[str] | None = None,
    out: Callable[[str], None] = print,
) -> Report:
    """Run the named scenarios (all by default) and return their report."""
    chosen = list(names or SCENARIOS)
    unknown = [n for n in chosen if n not in SCENARIOS]
    if unknown:
        raise ValueError(f"unknown scenarios {unknown}; known: {', '.join(SCENARIOS)}")
    rows: list[Row] = []
    machine = machine_info()  # before the run: its load average is the background load
    began = time.perf_counter()
    for index, name in enumerate(chosen, start=1):
        out(f"[{index}/{len(chosen)}] {name}")
        started = time.perf_counter()

        def progress(message: str, started: float = started) -> None:
            out(f"    {time.perf_counter() - started:6.1f} s  {message}")

        found = SCENARIOS[name](settings, progress)
        rows += found
        out(f"    {time.perf_counter() - started:6.1f} s  done: {len(found)} rows")
    return Report(rows, asdict(settings), time.perf_counter() - began, machine=machine)
