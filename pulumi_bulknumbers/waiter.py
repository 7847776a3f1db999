"""Bounded, adaptive polling: the only loop that waits in this package.

Orders and jobs finish on Telnyx's side at a time nobody announces, so we poll: quickly at first
(small orders finish in seconds), then backing off in proportion to the time already waited, so a
long order costs few requests while its completion is still noticed within a small fraction of
its duration. Clock and sleep are injected so tests and benchmarks never really wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class PollSchedule:
    """How long to sleep between polls, given the seconds already waited.

    The interval is `minimum + growth * waited`, at most `cap`. Something that finishes T
    seconds into the wait is seen by the first poll after T; the poll before it came at some
    t < T, so it is seen at most `minimum + growth * T` seconds late (plus that poll's round
    trip). With the defaults that is 0.5 s + 10 % of T: half a second inside the target of
    1 s + 10 % of T, left for the round trip and for what follows the wait.

    Poll k comes at `(minimum / growth) * ((1 + growth) ** k - 1)` seconds (below the cap), so
    reaching T takes about `log(1 + growth * T / minimum) / log(1 + growth)` polls: 8 for 5 s,
    27 for 60 s, 51 for 600 s with the defaults. No schedule that knows nothing about when the
    work will end does much better: noticing within 1 s + 10 % of T for every T forces each
    interval to be at most `1 + 0.1 * t`, which alone takes 44 polls to pass 600 s.

    >>> PollSchedule().interval(0.0), PollSchedule().interval(100.0), PollSchedule().interval(1e4)
    (0.5, 10.5, 60.0)
    """

    minimum: float = 0.5
    growth: float = 0.1
    cap: float = 60.0

    def interval(self, waited: float) -> float:
        """Seconds to sleep before the next poll."""
        return min(self.cap, self.minimum + self.growth * max(0.0, waited))


@dataclass(frozen=True)
class WaitOutcome(Generic[T]):
    """What a wait ended with: the last value seen and whether it was final."""

    value: T
    finished: bool
    polls: int
    waited: float


def wait_until(
    fetch: Callable[[], T],
    done: Callable[[T], bool],
    *,
    timeout: float,
    initial: T | None = None,
    schedule: PollSchedule | None = None,
    on_poll: Callable[[T], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> WaitOutcome[T]:
    """Poll `fetch` until `done(value)` or `timeout` seconds pass; never raise on timeout.

    `initial` is a value already in hand (the POST's answer), which saves the first request.
    `on_poll` sees every value fetched, for progress reporting. A timeout is not an error here:
    the caller decides (create records the order and warns; delete raises).

    >>> wait_until(lambda: 1, lambda v: v == 1, timeout=5).finished
    True
    """
    schedule = schedule or PollSchedule()
    start = clock()
    polls = 0
    if initial is None:
        value = fetch()
        polls += 1
        if on_poll is not None:
            on_poll(value)
    else:
        value = initial
    while not done(value):
        waited = clock() - start
        remaining = timeout - waited
        if remaining <= 0:
            return WaitOutcome(value, finished=False, polls=polls, waited=waited)
        sleep(min(schedule.interval(waited), remaining))
        value = fetch()
        polls += 1
        if on_poll is not None:
            on_poll(value)
    return WaitOutcome(value, finished=True, polls=polls, waited=clock() - start)
