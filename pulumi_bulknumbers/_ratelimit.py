"""Client-side rate limiting: space requests by what the API says of its limit, so 429s are rare.

Telnyx answers every request with `x-ratelimit-limit`, `x-ratelimit-remaining` and
`x-ratelimit-reset` (seconds until the budget is back). A `RateLimiter` keeps the latest of those
and lets a request go only while the budget it believes is left is positive; once it is spent,
requests wait until the reset. After a 429 every request waits for its `Retry-After` (or reset).

The budget is estimated conservatively, so concurrent threads do not overdraw it: a response's
`remaining` may not count the requests still in flight, so those are subtracted; answers to
requests older than one already heeded are ignored; and a reset's fresh budget is handed out
once, not again as the answers to what it let through come back. Until the first answer
arrives one request at a time goes out (a probe), so a cold start does not send a burst into an
unknown limit; an answer without these headers means no limit is known: nothing is held back.

Clients on the process's real clock share one limiter per base URL (`shared_limiter`), so
twenty pools in one provider process draw on one budget; a client with an injected clock, its
own transport or the in-process sandbox gets a limiter of its own.

>>> transport = RateLimitedTransport(httpx.HTTPTransport(), shared_limiter("https://api.telnyx.com/v2"))
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Final

import httpx

from pulumi_bulknumbers.transport import ratelimit_reset, server_delay

__all__ = ["RateLimitedTransport", "RateLimiter", "shared_limiter"]

_log = logging.getLogger(__name__)

# While the first answer is awaited, or the whole budget is in flight, waiters look again this
# often: answers come back within a round trip.
_POLL_SECONDS: Final = 0.02
# A 429 without a hint pauses everyone this long, and a budget without a reset time is assumed
# to come back after it: short, since the server has the last word anyway.
_DEFAULT_BLOCK_SECONDS: Final = 1.0


class RateLimiter:
    """The request budget one API granted, as last reported; thread-safe.

    `acquire()` before sending (it may sleep, at most `max_wait` seconds, then lets the request
    go anyway: the server has the last word), `release(ticket, response)` after.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
        max_wait: float = 60.0,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._wall_clock = wall_clock
        self.max_wait = max_wait
        self._lock = threading.Lock()
        self._sent = 0  # tickets issued, in sending order
        self._heeded = 0  # the ticket whose answer set the budget
        self._in_flight = 0
        self._answered = False
        self._limit: int | None = None
        self._remaining: float | None = None  # None: no limit known
        self._reset_at = 0.0
        self._granted_reset = 0.0  # the reset whose fresh budget was already handed out
        self._blocked_until = 0.0
        self.waits = 0
        """How many acquisitions had to wait (for tests and measurements)."""

    def acquire(self) -> int:
        """Wait until the budget allows a request; return its ticket for `release`."""
        deadline = self._clock() + self.max_wait
        waited = False
        while True:
            with self._lock:
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0 or now >= deadline:
                    if waited:
                        self.waits += 1
                    return self._take()
            waited = True
            self._sleep(min(wait, max(deadline - now, 0.0)))

    def release(self, ticket: int, response: httpx.Response | None) -> None:
        """Learn from the answer to request `ticket` (None: no answer, nothing learned)."""
        with self._lock:
            self._in_flight -= 1
            if response is None:
                return
            self._answered = True
            now, headers = self._clock(), response.headers
            limit = _integer(headers, "x-ratelimit-limit")
            remaining = _integer(headers, "x-ratelimit-remaining")
            reset = ratelimit_reset(headers, now=self._wall_clock())
            if limit is not None:
                self._limit = limit
            if response.status_code == 429:
                hint = server_delay(headers, now=self._wall_clock(), rate_limited=True)
                until = now + (hint if hint else _DEFAULT_BLOCK_SECONDS)
                self._blocked_until = max(self._blocked_until, until)
                self._reset_at = max(self._reset_at, until)
                self._remaining = 0.0
                self._heeded = max(self._heeded, ticket)
                return
            if ticket < self._heeded:
                return  # an older answer than the one heeded: it knows less
            self._heeded = ticket
            if remaining is None:
                self._remaining = None
                return
            # Requests still in flight may not be counted in its `remaining` yet.
            self._remaining = float(remaining - self._in_flight)
            self._reset_at = now + (reset if reset is not None else _DEFAULT_BLOCK_SECONDS)

    def _wait_needed(self, now: float) -> float:
        if now < self._blocked_until:
            return self._blocked_until - now
        if not self._answered:
            return _POLL_SECONDS if self._in_flight else 0.0
        if self._remaining is None or self._remaining >= 1:
            return 0.0
        if now < self._reset_at:
            return self._reset_at - now
        # The budget is back, once per reset: what goes out now must not be granted again
        # when its answers come back, unless those answers say so themselves.
        if self._granted_reset != self._reset_at or not self._in_flight:
            self._granted_reset = self._reset_at
            self._remaining = float((self._limit or 1) - self._in_flight)
        return 0.0 if self._remaining >= 1 else _POLL_SECONDS

    def _take(self) -> int:
        self._sent += 1
        self._in_flight += 1
        if self._remaining is not None:
            self._remaining -= 1
        return self._sent


class RateLimitedTransport(httpx.BaseTransport):
    """Send each request through `limiter`, around any other httpx transport."""

    def __init__(self, inner: httpx.BaseTransport, limiter: RateLimiter) -> None:
        self.inner = inner
        self.limiter = limiter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Wait for the budget, send, and report the answer's rate-limit headers."""
        ticket = self.limiter.acquire()
        response: httpx.Response | None = None
        try:
            response = self.inner.handle_request(request)
        finally:
            self.limiter.release(ticket, response)
        return response

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


_shared: dict[str, RateLimiter] = {}
_shared_lock = threading.Lock()


def shared_limiter(base_url: str) -> RateLimiter:
    """The process-wide limiter for `base_url` (on the real clock), made on first use."""
    key = base_url.rstrip("/").lower()
    with _shared_lock:
        limiter = _shared.get(key)
        if limiter is None:
            limiter = _shared[key] = RateLimiter()
        return limiter


def _integer(headers: httpx.Headers, name: str) -> int | None:
    try:
        return int(float(headers[name]))
    except (KeyError, ValueError, OverflowError):
        return None
