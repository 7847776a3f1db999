"""A controllable clock for tests and simulated-time benchmarks.

``FakeClock`` stands in for both ``time.time`` and ``time.sleep``: sleeping advances the clock
instead of waiting, so code that polls (the sandbox's order processing, the client's retries, the
provider's waiter) runs in simulated time::

    clock = FakeClock()
    sb = Sandbox(processing_seconds=30, clock=clock.now, sleep=clock.sleep)
    clock.advance(30)   # every order placed before now is complete
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

__all__ = ["FakeClock", "isoformat"]

# 2026-01-01T00:00:00Z: a fixed, recognisable epoch for simulated time.
_DEFAULT_START = 1_767_225_600.0


class FakeClock:
    """A thread-safe manual clock: ``now()`` reads it, ``advance()`` and ``sleep()`` move it.

    >>> clock = FakeClock(start=100.0)
    >>> clock.sleep(2.5)
    >>> clock.now()
    102.5
    """

    def __init__(self, start: float = _DEFAULT_START) -> None:
        self._now = float(start)
        self._lock = threading.Lock()
        self.sleeps: list[float] = []
        """Every duration passed to ``sleep()``, in order (to assert on backoff)."""

    def now(self) -> float:
        """The current simulated time, in seconds since the epoch."""
        with self._lock:
            return self._now

    def __call__(self) -> float:
        return self.now()

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (never backwards)."""
        if seconds < 0:
            raise ValueError(f"a clock only moves forward, not by {seconds}")
        with self._lock:
            self._now += seconds

    def sleep(self, seconds: float) -> None:
        """Record the sleep and advance the clock by it, without waiting."""
        self.sleeps.append(seconds)
        self.advance(max(0.0, seconds))


def isoformat(timestamp: float) -> str:
    """An epoch timestamp as Telnyx writes it: ISO 8601, UTC, milliseconds, ``Z`` suffix."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
