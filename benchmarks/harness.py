"""What every scenario uses: a sandbox on loopback, an engine pointed at it, and measurement.

- `live_sandbox(settings, **options)`: a `Sandbox` with the run's latency, served on loopback.
- `Live.measure()`: requests the sandbox answered during a step (its recorded calls, plus when
  each was received and answered) and the step's wall time (`time.perf_counter` around it).
- `ProcessProbe`: passed as `MiniEngine(on_process_start=...)`, it times each provider call and
  reads the provider process's peak RSS (`VmHWM` in `/proc/<pid>/status`) just before it stops.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.settings import Settings
from pulumi_bulknumbers import BulkNumberOrder, BulkNumbersClient, OrderingGroupArgs
from pulumi_bulknumbers.models import BulkOrderRequest
from pulumi_bulknumbers.sandbox import Call, Sandbox, SandboxServer, serve
from pulumi_bulknumbers.testing import MiniEngine, ProviderProcess

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-key-0123456789"
ORDER_PATH = "/v2/inexplicit_number_orders/"
"""Where a bulk order is polled (GET ORDER_PATH + id)."""
NUMBERS_PATH = "/v2/phone_numbers"
JOBS_PATH = "/v2/phone_numbers/jobs"
"""Job submissions (POST under it) and job polls (GET of one job or of the list)."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Stamp:
    """When the sandbox received one request and when it answered (epoch seconds)."""

    received: float
    answered: float
    method: str
    path: str


class TimedSandbox(Sandbox):
    """A `Sandbox` that also notes when each request came in and was answered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stamps: list[Stamp] = []
        self._stamps_lock = threading.Lock()

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer as the sandbox does, noting the times."""
        received = time.time()
        try:
            return super().handle(request)
        finally:
            stamp = Stamp(received, time.time(), request.method, request.url.path)
            with self._stamps_lock:
                self.stamps.append(stamp)


@dataclass
class Step:
    """One measured step: its wall time and the requests the sandbox answered meanwhile."""

    began: float = 0.0
    """Epoch seconds at the start."""
    wall: float = 0.0
    calls: list[Call] = field(default_factory=list)
    stamps: list[Stamp] = field(default_factory=list)

    @property
    def requests(self) -> int:
        """Every request the sandbox saw, 429s included."""
        return len(self.calls)

    @property
    def rate_limited(self) -> int:
        """Requests answered 429."""
        return sum(1 for c in self.calls if c.status == 429)

    def count(self, method: str, path_prefix: str = "") -> int:
        """Requests with this method whose path starts with `path_prefix`."""
        return sum(1 for c in self.calls if c.method == method and c.path.startswith(path_prefix))

    @property
    def list_pages(self) -> int:
        """Pages of the owned-numbers list (GET /phone_numbers, not one number or a job)."""
        return sum(1 for c in self.calls if c.method == "GET" and c.path == NUMBERS_PATH)

    @property
    def idle(self) -> float:
        """Seconds of the step with no request in flight at the sandbox."""
        busy, until = 0.0, self.began
        for stamp in sorted(self.stamps, key=lambda s: s.received):
            start = max(stamp.received, until)
            if stamp.answered > start:
                busy += stamp.answered - start
                until = stamp.answered
        return max(0.0, self.wall - busy)

    def at(self, method: str, path_prefix: str = "") -> list[Stamp]:
        """The matching requests' stamps, in the order received."""
        return sorted(
            (s for s in self.stamps if s.method == method and s.path.startswith(path_prefix)),
            key=lambda s: s.received,
        )

    def figures(self) -> dict[str, Any]:
        """The step as plain numbers, for results.json."""
        return {
            "wall_s": round(self.wall, 3),
            "requests": self.requests,
            "rate_limited": self.rate_limited,
            "idle_s": round(self.idle, 3),
        }


class Live:
    """A sandbox served on loopback, with helpers to point engines and clients at it."""

    def __init__(self, sandbox: TimedSandbox, server: SandboxServer) -> None:
        self.sandbox = sandbox
        self.server = server
        self.config = {"telnyx:baseUrl": server.base_url, "telnyx:apiKey": KEY}

    def engine(self, project: str, probe: ProcessProbe | None = None) -> MiniEngine:
        """A stack whose provider process talks to this sandbox."""
        return MiniEngine(
            project=project,
            config=self.config,
            secret_keys=["telnyx:apiKey"],
            pythonpath=[str(ROOT)],
            cwd=str(ROOT),
            on_process_start=probe,
        )

    def process(self, project: str) -> ProviderProcess:
        """A provider process of our own, configured like the engine's."""
        return ProviderProcess(
            project=project,
            config=self.config,
            secret_keys=["telnyx:apiKey"],
            pythonpath=[str(ROOT)],
            cwd=str(ROOT),
        )

    def client(self, **options: Any) -> BulkNumbersClient:
        """The package's own client on this sandbox (what the baselines use)."""
        return BulkNumbersClient(KEY, base_url=self.server.base_url, **options)

    @contextmanager
    def measure(self) -> Iterator[Step]:
        """Time the body and collect the requests the sandbox answered during it."""
        step = Step(began=time.time())
        first, first_stamp = len(self.sandbox.calls), len(self.sandbox.stamps)
        start = time.perf_counter()
        try:
            yield step
        finally:
            step.wall = time.perf_counter() - start
            step.calls = list(self.sandbox.calls[first:])
            step.stamps = list(self.sandbox.stamps[first_stamp:])


@contextmanager
def live_sandbox(settings: Settings, **options: Any) -> Iterator[Live]:
    """A fresh in-memory sandbox with the run's latency (and `options`), on loopback.

    A sandbox that hit an internal error would make every figure meaningless, so that fails
    the scenario.
    """
    options.setdefault("latency_ms", settings.latency_ms)
    sandbox = TimedSandbox(api_key=KEY, **options)
    with sandbox, serve(sandbox) as server:
        yield Live(sandbox, server)
        if sandbox.internal_errors:
            raise RuntimeError(f"the sandbox failed while answering: {sandbox.internal_errors!r}")


@dataclass(frozen=True)
class Rpc:
    """One provider call as the engine saw it: epoch seconds when sent and when answered."""

    method: str
    sent: float
    answered: float

    @property
    def seconds(self) -> float:
        """How long the call took."""
        return self.answered - self.sent


class ProcessProbe:
    """Times every provider call and keeps each provider process's peak RSS.

    Pass it as `MiniEngine(on_process_start=probe)`; the engine hands it each process it starts.
    """

    TIMED = ("check", "diff", "create", "read", "update", "delete")

    def __init__(self) -> None:
        self.rpcs: list[Rpc] = []
        self.peak_rss_bytes: list[int] = []

    def __call__(self, process: ProviderProcess) -> None:
        for name in self.TIMED:
            setattr(process, name, self._timed(name, getattr(process, name)))
        close = process.close

        def close_after_reading_peak() -> None:
            if process.returncode is None:
                peak = peak_rss_bytes(process.pid)
                if peak is not None:
                    self.peak_rss_bytes.append(peak)
            close()

        setattr(process, "close", close_after_reading_peak)  # noqa: B010 (instance, not class)

    def _timed(self, name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(call)
        def timed(*args: Any, **kwargs: Any) -> Any:
            sent = time.time()
            try:
                return call(*args, **kwargs)
            finally:
                self.rpcs.append(Rpc(name, sent, time.time()))

        return timed

    def calls(self, method: str) -> list[Rpc]:
        """The timed calls of one method, in order."""
        return [r for r in self.rpcs if r.method == method]

    def total(self, method: str) -> float:
        """Seconds spent in one method's calls."""
        return sum(r.seconds for r in self.calls(method))


def peak_rss_bytes(pid: int) -> int | None:
    """A live process's peak resident set size (`VmHWM`), or None where /proc has no answer."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return None


def us_local(count: int) -> OrderingGroupArgs:
    """One ordering group: `count` US local numbers, anywhere."""
    return OrderingGroupArgs(country_iso="US", phone_number_type="local", count_requested=count)


def pool_program(name: str, count: int, **options: Any) -> Callable[[], None]:
    """A Pulumi program declaring one pool of `count` US local numbers."""

    def program() -> None:
        BulkNumberOrder(name, ordering_groups=[us_local(count)], **options)

    return program


def pools_program(names: Sequence[str], count: int) -> Callable[[], None]:
    """A Pulumi program declaring one pool of `count` numbers per name."""

    def program() -> None:
        for name in names:
            BulkNumberOrder(name, ordering_groups=[us_local(count)])

    return program


def bulk_request(count: int, customer_reference: str | None = None) -> BulkOrderRequest:
    """The body of a one-group bulk order for `count` US local numbers."""
    body: dict[str, Any] = {
        "ordering_groups": [
            {"country_iso": "US", "phone_number_type": "local", "count_requested": count}
        ]
    }
    if customer_reference is not None:
        body["customer_reference"] = customer_reference
    return BulkOrderRequest.model_validate(body)


def epoch(stamp: object) -> float:
    """An API timestamp (ISO 8601 string or datetime) as epoch seconds."""
    if isinstance(stamp, datetime):
        return stamp.timestamp()
    if isinstance(stamp, str):
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    raise TypeError(f"not a timestamp: {stamp!r}")


def median(values: Sequence[float]) -> float:
    """The middle value (the mean of the two middle ones for an even count)."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def versus(ours: Step, baseline: Step) -> str:
    """How ours compares: baseline requests per request of ours, and the time either way."""
    requests = baseline.requests / max(1, ours.requests)
    shown = f"{requests:.0f}" if requests >= 10 else f"{requests:.1f}"
    wall = baseline.wall / ours.wall
    time_text = f"{wall:.1f}x less time" if wall >= 1 else f"{1 / wall:.1f}x more time"
    return f"{shown}x fewer requests, {time_text}"
