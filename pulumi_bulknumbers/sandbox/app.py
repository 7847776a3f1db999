"""``Sandbox``: the HTTP face of the backend, as a function from ``httpx.Request`` to
``httpx.Response`` (so it mounts in ``httpx.MockTransport`` or behind a socket server).

Per request, in order: latency, scripted or random faults, bearer auth, the rate limit, then the
route, all answered in Telnyx's JSON error envelope when they refuse; every call is recorded.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

import httpx

from pulumi_bulknumbers.sandbox import chaos
from pulumi_bulknumbers.sandbox.apierror import ApiError
from pulumi_bulknumbers.sandbox.baseurl import DEFAULT_DB, parse_base_url
from pulumi_bulknumbers.sandbox.calls import Call, count_faults
from pulumi_bulknumbers.sandbox.faults import (
    DEFAULT_RANDOM_KINDS,
    Fault,
    FaultInjector,
    FaultKind,
)
from pulumi_bulknumbers.sandbox.ratelimit import RateLimiter
from pulumi_bulknumbers.sandbox.routes import Request, match
from pulumi_bulknumbers.sandbox.state import Backend

__all__ = ["DEFAULT_DB", "Call", "Sandbox"]

API_PREFIX = "/v2"
_CUT = "Server disconnected without sending a response."
_HTML = {"content-type": "text/html; charset=utf-8"}
_JSON = {"content-type": "application/json"}


class Sandbox:
    """A Telnyx look-alike for the numbers API, backed by SQLite.

    >>> with Sandbox() as sb, httpx.Client(transport=sb.transport(),
    ...         base_url="https://api.telnyx.com/v2", headers={"Authorization": "Bearer k"}) as c:
    ...     c.get("/phone_numbers").json()["meta"]["total_results"]
    0
    """

    def __init__(
        self,
        db: str | os.PathLike[str] = ":memory:",
        *,
        seed: int = 0,
        api_key: str | None = None,
        processing_seconds: float = 0.0,
        job_seconds: float = 0.0,
        latency_ms: int = 0,
        rate_limit: float | None = None,
        fault_rate: float = 0.0,
        fault_kinds: Iterable[str] = DEFAULT_RANDOM_KINDS,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._open = functools.partial(
            Backend,
            seed=seed,
            processing_seconds=processing_seconds,
            job_seconds=job_seconds,
            clock=clock,
        )
        self.backend = self._open(db)
        self.api_key = api_key
        self.latency_ms = latency_ms
        self.faults = FaultInjector(fault_rate, seed, fault_kinds, clock)
        self.limiter = RateLimiter(rate_limit, clock) if rate_limit else None
        self.sleep = sleep
        self.calls: list[Call] = []
        self.internal_errors: list[Exception] = []
        """Exceptions the sandbox hit while answering (each was answered 500): bugs."""
        self._calls_lock = threading.Lock()

    @classmethod
    def from_base_url(cls, base_url: str, **overrides: Any) -> Sandbox:
        """The sandbox a ``telnyx:baseUrl`` of ``sandbox[:PATH][?option=value&...]`` names.

        ``sandbox`` alone keeps state in ``.bulknumbers/sandbox.sqlite3`` under the working
        directory; ``sandbox:PATH`` in PATH (``sandbox::memory:`` in memory). Query options:
        ``seed``, ``processing_seconds``, ``job_seconds``, ``latency_ms``, ``rate_limit``,
        ``fault_rate``, ``fault_kinds`` (comma-separated, e.g. ``error,cut_after``); keyword
        ``overrides`` (e.g. ``clock``) win over both.
        """
        path, options = parse_base_url(base_url)
        return cls(path, **{**options, **overrides})

    # -- the HTTP face -----------------------------------------------------------------------

    def __call__(self, request: httpx.Request) -> httpx.Response:
        return self.handle(request)

    def transport(self) -> httpx.BaseTransport:
        """An in-process transport: requests never leave the process."""
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (or raise ``httpx.RemoteProtocolError`` for a cut connection)."""
        if self.latency_ms:
            self.sleep(self.latency_ms / 1000)
        method, path = request.method.upper(), request.url.path
        query = {key: ",".join(request.url.params.get_list(key)) for key in request.url.params}
        content = request.read()
        record = functools.partial(self._record, method, path, query, content)
        fault = self.faults.decide(method, path)
        kind = fault.kind if fault else None
        if fault and fault.delay:
            self.sleep(fault.delay)
        if kind == "html_502":
            record(502, None, kind, chaos.HTML_502)
            return httpx.Response(502, content=chaos.HTML_502, headers=_HTML, request=request)
        if kind == "cut":
            record(None, None, kind)
            raise httpx.RemoteProtocolError(_CUT, request=request)
        status, body, headers = self._process(request, query, content, fault)
        if kind == "cut_after":
            record(None, None, kind)
            raise httpx.RemoteProtocolError(_CUT, request=request)
        if fault is not None and kind == "garbage":
            text = chaos.garbage(body, fault)
            record(200, None, kind, text)
            return httpx.Response(200, content=text, headers=_JSON, request=request)
        if fault is not None:
            status, body, struck = chaos.after(fault, status, body)
            kind = kind if struck else None
        record(status, body, kind)
        return httpx.Response(status, json=body, headers=headers, request=request)

    def _process(
        self,
        request: httpx.Request,
        query: dict[str, str],
        content: bytes,
        fault: Fault | None,
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Status, JSON body and headers of the real answer, or of a fault that pre-empts it."""
        method, path = request.method.upper(), request.url.path
        headers: dict[str, str] = {}
        try:
            if fault is not None and fault.early:
                limit = int(self.limiter.capacity) if self.limiter else chaos.STORM_LIMIT
                raise chaos.early_error(fault, limit)
            self._authenticate(request)
            if self.limiter is not None:
                allowed, headers = self.limiter.take()
                if not allowed:
                    raise ApiError.of(
                        429, "10011", "Too many requests; retry after the reset time."
                    )
            flaky = fault.seed if fault and fault.kind == "job_partial_failure" else None
            status, body = self._route(method, path, query, content, flaky)
        except ApiError as exc:
            status, body = exc.status, exc.to_json()
            headers.update(exc.headers)
        except Exception as exc:
            # A sandbox bug: answer as a server would, and keep it for the tests to see.
            self.internal_errors.append(exc)
            detail = f"Unexpected error in the sandbox: {type(exc).__name__}: {exc}"
            status, body = 500, ApiError.of(500, "10007", detail).to_json()
        return status, body, headers

    def _authenticate(self, request: httpx.Request) -> None:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key or (self.api_key and key != self.api_key):
            raise ApiError.of(
                401, "10009", "Could not understand the provided credentials.",
                title="Authentication failed",
            )  # fmt: skip

    def _route(
        self, method: str, path: str, query: dict[str, str], content: bytes, flaky: int | None
    ) -> tuple[int, dict[str, Any]]:
        relative = unquote(path)
        if not relative.startswith(API_PREFIX + "/"):
            raise ApiError.of(404, "10005", f"No route matches {method} {path}.",
                              title="Route not found", pointer="/base")  # fmt: skip
        relative = relative[len(API_PREFIX) :].rstrip("/") or "/"
        handler, args = match(method, relative, path)
        with self.backend.access() as backend:
            return handler(backend, Request(method, relative, query, content, args, flaky))

    def _record(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        content: bytes,
        status: int | None,
        body: Any,
        fault: FaultKind | None,
        raw: bytes | None = None,
    ) -> None:
        call = Call.of(method, path, query, content, status, body, fault, raw)
        with self._calls_lock:
            self.calls.append(call)

    # -- administration, behind the API's back -----------------------------------------------

    def inject_fault(
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
        """Script the next ``times`` matching requests that ``kind`` can apply to to fail.

        ``method`` and ``path`` (a regex searched in the URL path) narrow the match; ``status``
        replaces the 500 of ``error``/``error_after`` (or fixes a burst's status), ``delay`` is a
        ``slow`` fault's seconds, and a ``rate_limit_storm``/``server_burst`` lasts ``length``
        requests or ``seconds`` of the clock. Unset details come from the seed. See ``faults``
        for the kinds.
        """
        self.faults.script(
            kind, method=method, path=path, times=times, status=status,
            retry_after=retry_after, delay=delay, length=length, seconds=seconds,
        )  # fmt: skip

    def fault_counts(self) -> dict[str, int]:
        """How many recorded calls each fault kind struck, by kind."""
        with self._calls_lock:
            return count_faults(self.calls)

    def set_inventory(
        self,
        country_iso: str = "US",
        phone_number_type: str = "local",
        national_destination_code: str | None = None,
        administrative_area: str | None = None,
        *,
        available: int | None,
    ) -> None:
        """Let only ``available`` more numbers of this scope be sold (None: no cap).

        A scope is a country and type, narrowed by an area code and/or a state or province.
        """
        self.backend.set_inventory(
            country_iso=country_iso,
            phone_number_type=phone_number_type,
            national_destination_code=national_destination_code,
            administrative_area=administrative_area,
            available=available,
        )

    def owned_numbers(self) -> list[str]:
        """E.164 of every number the account holds (not deleted), sorted."""
        with self.backend.access() as backend:
            return backend.numbers.owned()

    def set_deletion_lock(self, number: str, enabled: bool = True) -> None:
        """Turn a number's deletion lock on or off (by id or E.164)."""
        with self.backend.access() as backend:
            backend.numbers.set_deletion_lock(number, enabled)

    def advance(self) -> None:
        """Bring every order and job up to the clock now (reads do this by themselves)."""
        with self.backend.access():
            pass

    def counts(self) -> dict[str, int]:
        """Rows per table: a fingerprint of the state."""
        return self.backend.store.counts()

    def dump(self) -> dict[str, list[dict[str, object]]]:
        """The whole state, table by table (for before/after comparisons)."""
        return self.backend.store.dump()

    def close(self) -> None:
        """Close the database."""
        self.backend.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
