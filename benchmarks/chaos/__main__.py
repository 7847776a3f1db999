"""`make chaos`: the fault campaign's command line (see the package docstring).

    python -m benchmarks.chaos                    # 200 runs, campaign seed 1, 2 at a time
    python -m benchmarks.chaos --quick            # 10 runs, printed only
    python -m benchmarks.chaos --replay 10042     # one run, with every attempt and its logs

A full campaign writes benchmarks/chaos/results.json and the README's chaos section; it exits 1
when any run has a finding (duplicates, orphans, lost numbers, crashes, a stuck step).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.chaos.campaign import run_campaign, run_seeds
from benchmarks.chaos.report import git_commit, summarise, table, write
from benchmarks.chaos.scenario import ROOT, RunReport, run_seed

QUICK_RUNS = 10
RESULTS = Path(__file__).resolve().parent / "results.json"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.chaos",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, help="number of runs (default 200; 10 with --quick)")
    parser.add_argument("--seed", type=int, default=1, help="campaign seed (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time (default 2)")
    parser.add_argument("--quick", action="store_true", help="a few runs, results not written")
    parser.add_argument("--no-kills", action="store_true", help="faults only: no kills/restarts")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--replay", type=int, metavar="SEED", help="run one run, verbosely")
    return parser  # fmt: skip


def _progress(total: int, started: float) -> Callable[[int, RunReport], None]:
    def show(done: int, report: RunReport) -> None:
        a = report.audit
        figures = (
            f"bought {a.orders_bought}/{a.orders_intended} dup {a.duplicates} "
            f"orphans {a.orphans} lost {a.numbers_lost}"
            if a is not None
            else "no audit"
        )
        notes = "; ".join(report.findings())[:120]
        print(
            f"[{done:3d}/{total}] seed {report.seed} {report.seconds:5.1f}s {report.outcome:5s} "
            f"kills {report.kills} faults {sum(report.faults.values()):2d} {figures}"
            f"{'  !! ' + notes if notes else ''}  ({time.monotonic() - started:.0f}s)",
            flush=True,
        )

    return show


def replay(seed: int, kills: bool) -> int:
    """One run with every attempt, its outcome and the provider's log lines."""
    report = run_seed(seed, kills=kills, verbose=True)
    print(f"seed {seed}: fault rate {report.fault_rate}, {report.seconds:.1f}s")
    for line in report.log:
        print(line)
    print(f"faults: {report.faults}; kills {report.kills}; restarts {report.restarts}")
    print(f"audit: {report.audit}")
    findings = report.findings()
    print("findings:" if findings else "no findings")
    for finding in findings:
        print(f"  - {finding}")
    return 1 if findings else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.replay is not None:
        return replay(args.replay, not args.no_kills)
    runs = args.runs if args.runs is not None else (QUICK_RUNS if args.quick else 200)
    seeds = run_seeds(args.seed, runs)
    print(f"chaos: {runs} runs, seeds {seeds[0]}..{seeds[-1]}, {args.jobs} at a time", flush=True)
    started = time.monotonic()
    show = _progress(runs, started)
    reports = run_campaign(seeds, jobs=args.jobs, kills=not args.no_kills, progress=show)
    command = "make chaos" if (runs, args.seed, args.jobs) == (200, 1, 2) else (
        f"python -m benchmarks.chaos --runs {runs} --seed {args.seed}"
        + (" --no-kills" if args.no_kills else "")
    )  # fmt: skip
    summary = summarise(
        reports, command=command, seed=args.seed, commit=git_commit(ROOT), kills=not args.no_kills,
        wall_seconds=round(time.monotonic() - started, 1),
    )  # fmt: skip
    print()
    print(table(summary))
    for item in summary["findings"]:
        print(f"seed {item['seed']}: {'; '.join(item['findings'])[:300]}")
        print(f"    replay: {item['replay']}")
    if not (args.quick or args.no_write):
        write(summary, RESULTS, ROOT / "README.md")
        print(f"\nwritten: {RESULTS.relative_to(ROOT)} and the README's chaos section")
    return 1 if summary["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
