"""`make bench`: the lifecycle of one 10,000-number pool, wall time and requests per step.

A first scenario, not yet the suite of issue 6 (no baselines, no latency): the provider runs in
its real process, the sandbox on loopback in this one, and each step's figures are printed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pulumi

from pulumi_bulknumbers import BulkNumberOrder, OrderingGroupArgs
from pulumi_bulknumbers.sandbox import Sandbox, serve
from pulumi_bulknumbers.testing import MiniEngine, run_program

ROOT = Path(__file__).resolve().parents[1]
POOL_SIZE = 10_000


def program() -> None:
    pool = BulkNumberOrder(
        "big-pool",
        ordering_groups=[
            OrderingGroupArgs(
                country_iso="US", phone_number_type="local", count_requested=POOL_SIZE
            )
        ],
    )
    pulumi.export("numbers", pool.phone_numbers)


def main() -> int:
    with Sandbox(api_key="bench") as sandbox, serve(sandbox) as server:
        engine = MiniEngine(
            project="bench",
            config={"telnyx:baseUrl": server.base_url, "telnyx:apiKey": "bench"},
            pythonpath=[str(ROOT)],
        )
        steps: list[tuple[str, Callable[[], object]]] = [
            ("up (create)", lambda: run_program(program, engine=engine)),
            ("preview (unchanged)", lambda: run_program(program, engine=engine, preview=True)),
            ("refresh", engine.refresh),
            ("destroy", engine.destroy),
        ]
        print(f"{'step':22s} {'wall s':>8s} {'requests':>9s}")
        for name, run in steps:
            before = len(sandbox.calls)
            start = time.perf_counter()
            run()
            wall = time.perf_counter() - start
            print(f"{name:22s} {wall:8.2f} {len(sandbox.calls) - before:9d}")
        left = len(sandbox.owned_numbers())
        print(f"numbers left after destroy: {left}")
        return 0 if left == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
