"""Fault injection and rate limiting for the sandbox's HTTP layer.

A ``Fault`` says what goes wrong with one request and when:

- ``error``: answered with an error status (500 by default) before anything is processed;
- ``cut``: the connection drops before anything is processed;
- ``error_after`` / ``cut_after``: the request is processed (a POST commits its order) and
  then the answer is an error / the connection drops: the ambiguous failures a client must
  recover from without buying twice;
- ``rate_limit``: a 429 with ``Retry-After``, whatever the token bucket says.

Random faults (``fault_rate``) draw from a seeded RNG, so a seed reproduces the same faults for
the same sequence of requests; scripted faults (``FaultInjector.script``) hit the next matching
requests. New kinds only need a name here and a branch in ``Sandbox.handle``.
"""

from __future__ import annotations

import math
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = ["Fault", "FaultInjector", "FaultKind", "RateLimiter"]

FaultKind = Literal["error", "cut", "error_after", "cut_after", "rate_limit"]
KINDS: tuple[FaultKind, ...] = ("error", "cut", "error_after", "cut_after", "rate_limit")


@dataclass(frozen=True)
class Fault:
    """What goes wrong with one request."""

    kind: FaultKind
    status: int = 500
    retry_after: float = 1.0

    @property
    def after(self) -> bool:
        """Whether the request is processed before the fault strikes."""
        return self.kind in ("error_after", "cut_after")


@dataclass
class _Scripted:
    fault: Fault
    method: str | None
    path: re.Pattern[str] | None
    remaining: int


class FaultInjector:
    """Decides, request by request, whether and how to fail.

    >>> faults = FaultInjector(rate=0.0, seed=1)
    >>> faults.script("cut_after", method="POST", path="/inexplicit_number_orders")
    >>> faults.decide("POST", "/v2/inexplicit_number_orders").kind
    'cut_after'
    >>> faults.decide("POST", "/v2/inexplicit_number_orders") is None
    True
    """

    def __init__(self, rate: float = 0.0, seed: int = 0) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault_rate must be between 0 and 1, not {rate}")
        self.rate = rate
        self._rng = random.Random(seed)
        self._scripted: list[_Scripted] = []
        self._lock = threading.Lock()

    def script(
        self,
        kind: FaultKind,
        *,
        method: str | None = None,
        path: str | None = None,
        times: int = 1,
        status: int = 500,
        retry_after: float = 1.0,
    ) -> None:
        """Make the next ``times`` requests matching ``method`` and ``path`` (a regex searched
        in the URL path) fail with ``kind``."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
        status = 429 if kind == "rate_limit" else status
        with self._lock:
            self._scripted.append(
                _Scripted(
                    Fault(kind, status, retry_after),
                    method.upper() if method else None,
                    re.compile(path) if path else None,
                    times,
                )
            )

    def decide(self, method: str, path: str) -> Fault | None:
        """The fault for this request, or None."""
        with self._lock:
            for entry in self._scripted:
                if (entry.method in (None, method)) and (
                    entry.path is None or entry.path.search(path)
                ):
                    entry.remaining -= 1
                    if entry.remaining <= 0:
                        self._scripted.remove(entry)
                    return entry.fault
            if self.rate > 0 and self._rng.random() < self.rate:
                return Fault("error" if self._rng.random() < 0.5 else "cut")
        return None


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
