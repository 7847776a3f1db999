"""The scenarios of issue 6, one module per family; each `run(settings, progress)` returns rows.

| module          | rows                                                                      |
|-----------------|---------------------------------------------------------------------------|
| fulfilment      | fulfilment detection for 5 s, 60 s and 600 s orders, beside fixed pollers |
| large_pool      | preview, refresh, settings change, release and memory of a 10,000 pool    |
| overhead        | plugin start, `__provider` size, state per number, import time            |
| workflow        | search + explicit number orders beside one bulk order                     |
| rate_limited    | 20 pools of 500 against a 20 requests/s sandbox                           |
"""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.harness import Progress
from benchmarks.report import Row
from benchmarks.scenarios import fulfilment, large_pool, overhead, rate_limited, workflow
from benchmarks.settings import Settings

Scenario = Callable[[Settings, Progress], list[Row]]

SCENARIOS: dict[str, Scenario] = {
    "fulfilment": fulfilment.run,
    "large_pool": large_pool.run,
    "overhead": overhead.run,
    "workflow": workflow.run,
    "rate_limited": rate_limited.run,
}
"""In the order they run and appear in the table."""
