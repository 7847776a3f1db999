"""`RetryTransport`: retries what is safe to retry, around any other httpx transport.

What is retried (with exponential backoff and jitter, bounded in attempts and in total time;
429s within their own, longer time budget):

| method                          | 429 | 500/502/503/504 | connect error | error after sending |
|---------------------------------|-----|-----------------|---------------|---------------------|
| GET HEAD OPTIONS PUT PATCH DELETE | yes | yes           | yes           | yes                 |
| POST (orders, jobs, bulk updates) | yes | **no**        | yes           | **no**              |

A POST is only re-sent when Telnyx provably did not process it: a 429 (rate limiting rejects
before processing) or a failure to connect (nothing was sent). After a 5xx, a timeout or a cut
connection its outcome is unknown, and re-sending could buy numbers twice; the caller gets the
error and must look for what the first attempt created. PATCH here only sets settings to given
values, so repeating it is harmless.

The wait before a retry is the server's `Retry-After` (seconds or HTTP date; `retry-after-ms`
too) or `x-ratelimit-reset` (seconds) when present, else `base_delay * 2**n` capped at
`max_delay`, minus up to 25% jitter. After a 5xx or a connection error, a retry that would end
past `max_total_seconds` or exceed `max_attempts` is not made. A 429 only says "not now", so it
is retried, for any method, while the call's total time stays within `rate_limit_seconds` (two
minutes by default): a rate-limit storm slows callers down instead of failing them.

>>> transport = RetryTransport(httpx.HTTPTransport(), policy=RetryPolicy(max_attempts=3))
>>> client = httpx.Client(transport=transport)
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

import httpx

__all__ = ["RetryPolicy", "RetryTransport", "ratelimit_reset", "server_delay"]

_log = logging.getLogger(__name__)

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Failures raised before any byte of the request left: safe to repeat for every method.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to retry: attempts and time after failures, backoff, and time for 429s.

    `max_attempts` (including the first) and `max_total_seconds` bound retries after 5xx and
    connection errors; 429s do not use up attempts and are retried while the call has lasted
    less than `rate_limit_seconds`.

    >>> RetryPolicy(max_attempts=1, rate_limit_seconds=0)  # never retry
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_total_seconds: float = 60.0
    rate_limit_seconds: float = 120.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1 (1 means no retries)")
        budgets = (self.base_delay, self.max_delay, self.max_total_seconds, self.rate_limit_seconds)
        if min(budgets) < 0:
            raise ValueError("RetryPolicy delays and time budgets must not be negative")

    def backoff(self, retry_number: int, rng: random.Random) -> float:
        """Delay before retry `retry_number` (1-based): doubling, capped, with -25% jitter."""
        delay: float = min(self.max_delay, self.base_delay * 2.0 ** (retry_number - 1))
        return delay * (1 - 0.25 * rng.random())


class RetryTransport(httpx.BaseTransport):
    """Wrap `inner`, retrying 429s, 5xx and connection errors when repeating is safe.

    `sleep`, `clock` (monotonic seconds) and `wall_clock` (epoch seconds, for HTTP-date
    `Retry-After` values) are injectable so tests never really wait.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.inner = inner
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._rng = rng or random.Random()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request`, repeating it while the policy and the method allow."""
        request.read()  # buffer the body so every attempt sends the same bytes
        idempotent = request.method.upper() in _IDEMPOTENT_METHODS
        started = self._clock()
        failures = limited = 0
        while True:
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError as exc:
                if not (idempotent or isinstance(exc, _NOT_SENT_ERRORS)):
                    raise
                failures += 1
                delay = self.policy.backoff(failures, self._rng)
                if not self._may_retry(request, failures, started, delay, type(exc).__name__):
                    raise
            else:
                status = response.status_code
                if status not in _RETRY_STATUSES or (status != 429 and not idempotent):
                    return response
                hint = self._server_delay(response)
                if status == 429:
                    limited += 1
                    delay = hint if hint else self.policy.backoff(limited, self._rng)
                    retry = self._may_retry_limited(request, started, delay)
                else:
                    failures += 1
                    delay = hint if hint is not None else self.policy.backoff(failures, self._rng)
                    retry = self._may_retry(request, failures, started, delay, status)
                if not retry:
                    return response
                response.read()
                response.close()
            self._sleep(delay)

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()

    def _may_retry(
        self, request: httpx.Request, failures: int, started: float, delay: float, why: object
    ) -> bool:
        where = f"{request.method} {request.url.path}"
        if failures >= self.policy.max_attempts:
            _log.info("%s: %s; giving up after %d failed attempts", where, why, failures)
            return False
        if self._clock() - started + delay > self.policy.max_total_seconds:
            _log.info("%s: %s; a retry in %.2fs would exceed the time budget", where, why, delay)
            return False
        _log.warning(
            "%s: %s; retrying in %.2fs (attempt %d of %d)",
            where,
            why,
            delay,
            failures + 1,
            self.policy.max_attempts,
        )
        return True

    def _may_retry_limited(self, request: httpx.Request, started: float, delay: float) -> bool:
        where = f"{request.method} {request.url.path}"
        elapsed = self._clock() - started
        if elapsed + delay > self.policy.rate_limit_seconds:
            _log.warning(
                "%s: 429 for %.1fs; a retry in %.2fs would exceed the rate-limit budget (%gs)",
                where,
                elapsed,
                delay,
                self.policy.rate_limit_seconds,
            )
            return False
        # Expected under load, and the shared limiter keeps it rare: not a warning.
        _log.info("%s: 429; retrying in %.2fs", where, delay)
        return True

    def _server_delay(self, response: httpx.Response) -> float | None:
        """The server's wait hint in seconds, from Retry-After or (on a 429) x-ratelimit-reset."""
        return server_delay(
            response.headers, now=self._wall_clock(), rate_limited=response.status_code == 429
        )


def server_delay(headers: httpx.Headers, *, now: float, rate_limited: bool) -> float | None:
    """Seconds the server asks us to wait, or None. `now` is epoch seconds (for HTTP dates).

    `x-ratelimit-reset` counts only when `rate_limited`: Telnyx sends it on every response, and
    it says nothing about when a failing server recovers.
    """
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        if (value := headers.get(name)) is not None:
            seconds = _seconds(value, now)
            if seconds is not None:
                return max(0.0, seconds * scale)
    return ratelimit_reset(headers, now=now) if rate_limited else None


def ratelimit_reset(headers: httpx.Headers, *, now: float) -> float | None:
    """Seconds until the rate-limit budget is back (`x-ratelimit-reset`), or None."""
    if (reset := headers.get("x-ratelimit-reset")) is not None:
        seconds = _seconds(reset, now)
        if seconds is not None:
            # Some APIs send an epoch instant here instead of a duration: accept both.
            return max(0.0, seconds - now if seconds > 1e9 else seconds)
    return None


def _seconds(value: str, now: float) -> float | None:
    """A header value as a number of seconds, or an HTTP date as seconds from `now`."""
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000" dates parse naive; HTTP dates are always GMT
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - now
