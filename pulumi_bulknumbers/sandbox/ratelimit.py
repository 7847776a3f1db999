"""The sandbox's token-bucket rate limit (the ``rate_limit`` option): 429 beyond the rate."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """A token bucket of ``rate`` requests a second (burst ``rate``) on an injected clock."""

    def __init__(self, rate: float, clock: Callable[[], float]) -> None:
        if rate <= 0:
            raise ValueError(f"rate_limit must be positive, not {rate}")
        self.rate = rate
        self.capacity = max(1.0, rate)
        self._tokens = self.capacity
        self._clock = clock
        self._last = clock()
        self._lock = threading.Lock()

    def take(self) -> tuple[bool, dict[str, str]]:
        """Spend a token if there is one; the ``x-ratelimit-*`` headers either way (plus
        ``Retry-After`` when refused)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
            self._last = now
            allowed = self._tokens >= 1.0
            if allowed:
                self._tokens -= 1.0
            headers = {
                "x-ratelimit-limit": str(int(self.capacity)),
                "x-ratelimit-remaining": str(int(self._tokens)),
                "x-ratelimit-reset": str(math.ceil((self.capacity - self._tokens) / self.rate)),
            }
            if not allowed:
                headers["Retry-After"] = str(max(1, math.ceil((1.0 - self._tokens) / self.rate)))
            return allowed, headers
