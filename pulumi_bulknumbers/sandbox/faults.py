"""Which request fails, and how: scripted faults, seeded random faults, and runs of them.

Each kind, as the client sees it, and whether the request was processed:

- ``error``: an error status (500 by default) in the envelope; not processed.
- ``cut``: the connection drops without an answer; not processed.
- ``error_after``: an error status in the envelope; processed (a POST committed its order).
- ``cut_after``: the connection drops without an answer; processed.
- ``rate_limit``: one 429 with ``Retry-After``; not processed.
- ``rate_limit_storm``: every request for a run of N requests (seeded 3 to 8) or S seconds
  gets a 429 with ``x-ratelimit-limit``, ``x-ratelimit-remaining: 0``, ``x-ratelimit-reset``
  and ``Retry-After``; none of them processed.
- ``server_burst``: every request for a run of N requests (seeded 2 to 4) gets a 500, 502 or
  503 envelope; none of them processed.
- ``slow``: the answer comes after an extra delay (0.2 to 2 s, through the injected sleep);
  processed normally.
- ``html_502``: a 502 whose body is a ``text/html`` proxy page, not JSON; not processed.
- ``garbage``: a 200 whose body is JSON cut short (unparsable); processed.
- ``overallocate`` (GET of a bulk order only): one group shows ``count_allocated`` greater than
  its ``count_requested``; a read, nothing changes.
- ``wrong_id`` (GET of a bulk order only): the answer carries another order's id; a read.
- ``job_partial_failure`` (POST of a delete or update phone-numbers job only): the job is
  accepted, and a seeded subset of its numbers ends in ``failed_operations`` with a transient
  error, those numbers unchanged (a later job can succeed); the rest is processed.

Scripted faults (``FaultInjector.script``) hit the next matching requests. Random faults
(``rate``) draw from a seeded RNG among ``kinds``, only kinds that can apply to the request, so
a seed reproduces the same faults for the same sequence of requests. A run (storm, burst) hits
every request, whatever its path, until it ends. What each kind does to an answer is in
``chaos``; the HTTP layer (``Sandbox.handle``) applies it.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Literal, cast

__all__ = ["KINDS", "Fault", "FaultInjector", "FaultKind", "applies", "parse_kinds"]

FaultKind = Literal[
    "error", "cut", "error_after", "cut_after", "rate_limit", "rate_limit_storm",
    "server_burst", "slow", "html_502", "garbage", "overallocate", "wrong_id",
    "job_partial_failure",
]  # fmt: skip
KINDS: tuple[FaultKind, ...] = (
    "error", "cut", "error_after", "cut_after", "rate_limit", "rate_limit_storm",
    "server_burst", "slow", "html_502", "garbage", "overallocate", "wrong_id",
    "job_partial_failure",
)  # fmt: skip
DEFAULT_RANDOM_KINDS: tuple[FaultKind, ...] = ("error", "cut")
RUNS = ("rate_limit_storm", "server_burst")
MALFORMED = ("html_502", "garbage")
# Kinds whose answer details come from a per-fault seed; the others draw nothing more, so the
# random stream of error/cut faults is what it was before these kinds existed.
_SEEDED = ("garbage", "overallocate", "wrong_id", "job_partial_failure")
_BULK_GET = re.compile(r"/v2/inexplicit_number_orders/[^/]+/?")
_JOB_POST = re.compile(r"/v2/phone_numbers/jobs/(delete|update)_phone_numbers/?")


def applies(kind: FaultKind, method: str, path: str) -> bool:
    """Whether ``kind`` can strike this request at all (most kinds strike any)."""
    if kind in ("overallocate", "wrong_id"):
        return method == "GET" and _BULK_GET.fullmatch(path) is not None
    if kind == "job_partial_failure":
        return method == "POST" and _JOB_POST.fullmatch(path) is not None
    return True


def parse_kinds(kinds: str | Iterable[str]) -> tuple[FaultKind, ...]:
    """Validated kind names, from an iterable or a comma-separated string."""
    names = [k.strip() for k in kinds.split(",")] if isinstance(kinds, str) else list(kinds)
    names = [name for name in names if name]
    unknown = [name for name in names if name not in KINDS]
    if unknown or not names:
        raise ValueError(
            f"fault kinds must be some of {', '.join(KINDS)}; got {', '.join(names) or 'none'}"
        )
    return tuple(cast(FaultKind, name) for name in dict.fromkeys(names))


@dataclass(frozen=True)
class Fault:
    """What goes wrong with one request."""

    kind: FaultKind
    status: int = 500
    retry_after: float = 1.0
    delay: float = 0.0
    """Extra seconds before answering (``slow``)."""
    seed: int = 0
    """Seeds the details of the answer (which group, which numbers, where JSON is cut)."""

    @property
    def early(self) -> bool:
        """Whether the fault answers before the request is processed."""
        return self.kind in ("error", "cut", "rate_limit", "html_502", *RUNS)


@dataclass
class _Scripted:
    kind: FaultKind
    method: str | None
    path: re.Pattern[str] | None
    remaining: int
    options: dict[str, float | None]


@dataclass
class _Run:
    fault: Fault
    left: int | None
    until: float | None


class FaultInjector:
    """Decides, request by request, whether and how to fail.

    >>> faults = FaultInjector(rate=0.0, seed=1)
    >>> faults.script("cut_after", method="POST", path="/inexplicit_number_orders")
    >>> faults.decide("POST", "/v2/inexplicit_number_orders").kind
    'cut_after'
    >>> faults.decide("POST", "/v2/inexplicit_number_orders") is None
    True
    """

    def __init__(
        self,
        rate: float = 0.0,
        seed: int = 0,
        kinds: Iterable[str] = DEFAULT_RANDOM_KINDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault_rate must be between 0 and 1, not {rate}")
        self.rate = rate
        self.kinds = parse_kinds(kinds)
        self._clock = clock
        self._rng = random.Random(seed)
        self._scripted: list[_Scripted] = []
        self._run: _Run | None = None
        self._lock = threading.Lock()

    def script(
        self,
        kind: FaultKind,
        *,
        method: str | None = None,
        path: str | None = None,
        times: int = 1,
        status: int | None = None,
        retry_after: float = 1.0,
        delay: float | None = None,
        length: int | None = None,
        seconds: float | None = None,
    ) -> None:
        """Make the next ``times`` requests matching ``method`` and ``path`` (a regex searched
        in the URL path) that ``kind`` can apply to fail with ``kind``.

        ``status`` overrides ``error``/``error_after``'s 500 (and fixes a burst's status);
        ``delay`` is a ``slow`` fault's seconds; a storm or burst lasts ``length`` requests or
        ``seconds`` (seeded when neither is given). Unset details are drawn from the seed.
        """
        parse_kinds([kind])
        if (length is not None or seconds is not None) and kind not in RUNS:
            raise ValueError(f"length and seconds apply to {' and '.join(RUNS)}, not {kind}")
        if (length is not None and length < 1) or (seconds is not None and seconds <= 0):
            raise ValueError("a run lasts at least one request or a positive number of seconds")
        if delay is not None and (kind != "slow" or delay < 0):
            raise ValueError(f"delay is a slow fault's seconds (>= 0), not one of {kind}")
        options: dict[str, float | None] = {
            "status": status, "retry_after": retry_after, "delay": delay, "length": length,
            "seconds": seconds,
        }  # fmt: skip
        pattern = re.compile(path) if path else None
        with self._lock:
            self._scripted.append(
                _Scripted(kind, method.upper() if method else None, pattern, times, options)
            )

    def clear(self) -> None:
        """Forget scripted faults not yet used and any storm or burst in progress."""
        with self._lock:
            self._scripted.clear()
            self._run = None

    def decide(self, method: str, path: str) -> Fault | None:
        """The fault for this request, or None."""
        with self._lock:
            if self._run is not None:
                ongoing = self._continue(self._run)
                if ongoing is not None:
                    return ongoing
            for entry in self._scripted:
                if (
                    entry.method in (None, method)
                    and (entry.path is None or entry.path.search(path))
                    and applies(entry.kind, method, path)
                ):
                    entry.remaining -= 1
                    if entry.remaining <= 0:
                        self._scripted.remove(entry)
                    return self._start(entry.kind, **entry.options)
            if self.rate > 0 and self._rng.random() < self.rate:
                fitting = [kind for kind in self.kinds if applies(kind, method, path)]
                if fitting:
                    return self._start(fitting[int(self._rng.random() * len(fitting))])
        return None

    def _start(
        self,
        kind: FaultKind,
        *,
        status: float | None = None,
        retry_after: float | None = None,
        delay: float | None = None,
        length: float | None = None,
        seconds: float | None = None,
    ) -> Fault:
        rng = self._rng
        if kind == "rate_limit" or kind == "rate_limit_storm":
            fault = Fault(kind, 429, retry_after or 1.0)
        elif kind == "html_502":
            fault = Fault(kind, 502)
        elif kind == "slow":
            fault = Fault(kind, delay=round(rng.uniform(0.2, 2.0), 3) if delay is None else delay)
        else:
            fault = Fault(
                kind, int(status or 500), seed=rng.getrandbits(32) if kind in _SEEDED else 0
            )
        if kind not in RUNS:
            return fault
        if kind == "server_burst":
            fault = replace(fault, status=int(status) if status else 0)
        until = self._clock() + seconds if seconds is not None else None
        if seconds is None and length is None:
            length = rng.randint(3, 8) if kind == "rate_limit_storm" else rng.randint(2, 4)
        self._run = _Run(fault, None if length is None else max(1, int(length)), until)
        first = self._continue(self._run)
        return first or fault

    def _continue(self, run: _Run) -> Fault | None:
        """The run's fault for this request; None once a timed run is over."""
        fault = run.fault
        if run.until is not None:
            left = run.until - self._clock()
            if left <= 0:
                self._run = None
                return None
            fault = replace(fault, retry_after=float(max(1, math.ceil(left))))
        else:
            assert run.left is not None
            run.left -= 1
            if run.left <= 0:
                self._run = None
        if fault.kind == "server_burst" and not fault.status:
            fault = replace(fault, status=self._rng.choice((500, 502, 503)))
        return fault
