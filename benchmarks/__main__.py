"""`make bench`: run every scenario, print the table, write results.json and the README section.

    python -m benchmarks                    # everything, full size (about five minutes)
    python -m benchmarks large_pool         # some scenarios only
    python -m benchmarks --smoke --no-write # tiny sizes, no latency: checks that it all runs

A partial or smoke run never writes results.json or the README unless asked with --write.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import runner
from benchmarks.report import update_readme, write_json
from benchmarks.scenarios import SCENARIOS
from benchmarks.settings import FULL, SMOKE

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
README = HERE.parent / "README.md"


def main(argv: list[str] | None = None) -> int:
    """Run, print, and (for a full run) write the results."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "scenarios", nargs="*", metavar="SCENARIO", help=f"only these: {', '.join(SCENARIOS)}"
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no latency")
    writing = parser.add_mutually_exclusive_group()
    writing.add_argument("--write", action="store_true", help="write results even if partial")
    writing.add_argument("--no-write", action="store_true", help="only print")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.scenarios) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenarios {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
    report = runner.run(SMOKE if args.smoke else FULL, args.scenarios or None)
    print()
    print(report.table())
    print()
    print(report.summary())
    print()
    print(report.notes())
    full = not args.smoke and not args.scenarios
    if args.write or (full and not args.no_write):
        write_json(report, RESULTS)
        update_readme(report, README)
        print(f"\nwrote {RESULTS.relative_to(HERE.parent)} and the README's performance section")
    return 0


if __name__ == "__main__":
    sys.exit(main())
