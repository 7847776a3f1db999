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

    The interval is `growth` times the time waited so far, kept between `minimum` and `cap`:
    an order that finishes after T seconds is noticed at most about `minimum + growth * T`
    seconds late, with a number of polls that grows only logarithmically with T.

    >>> PollSchedule().interval(0.0), PollSchedule().interval(100.0)
    (0.5, 10.0)
    """

    minimum: float = 0.5
    growth: float = 0.1
    cap: float = 30.0

    def interval(self, waited: float) -> float:
        """Seconds to sleep before the next poll."""
        return min(self.cap, max(self.minimum, self.growth * waited))


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
