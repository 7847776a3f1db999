"""``Sandbox``: the HTTP face of the backend, as a function from ``httpx.Request`` to
``httpx.Response`` (so it mounts in ``httpx.MockTransport`` or behind a socket server).

Per request, in order: latency, scripted or random faults, bearer auth, the rate limit, then the
route, all answered in Telnyx's JSON error envelope when they refuse; every call is recorded.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx

from pulumi_bulknumbers.sandbox.apierror import ApiError
from pulumi_bulknumbers.sandbox.faults import Fault, FaultInjector, FaultKind, RateLimiter
from pulumi_bulknumbers.sandbox.routes import Request, match
from pulumi_bulknumbers.sandbox.state import Backend

__all__ = ["DEFAULT_DB", "Call", "Sandbox"]

DEFAULT_DB = Path(".bulknumbers") / "sandbox.sqlite3"
API_PREFIX = "/v2"
_URL_OPTIONS = {
    "seed": int,
    "processing_seconds": float,
    "job_seconds": float,
    "latency_ms": int,
    "rate_limit": float,
    "fault_rate": float,
}


@dataclass(frozen=True)
class Call:
    """One request the sandbox answered (or cut): enough to replay it against the contract."""

    method: str
    path: str
    """The URL path as sent, e.g. ``/v2/phone_numbers/123``."""
    query: dict[str, str]
    status: int | None
    """None when the connection was cut without an answer."""
    request_json: Any
    response_json: Any
    fault: FaultKind | None = None


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
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.backend = Backend(
            db,
            seed=seed,
            processing_seconds=processing_seconds,
            job_seconds=job_seconds,
            clock=clock,
        )
        self.api_key = api_key
        self.latency_ms = latency_ms
        self.faults = FaultInjector(fault_rate, seed)
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
        ``fault_rate``; keyword ``overrides`` (e.g. ``clock``) win over both.
        """
        scheme, _, rest = base_url.partition(":")
        if scheme != "sandbox":
            raise ValueError(f"not a sandbox URL: {base_url!r} (use 'sandbox' or 'sandbox:PATH')")
        path, _, query = rest.partition("?")
        options: dict[str, Any] = {}
        for key, value in parse_qsl(query, keep_blank_values=True):
            if key not in _URL_OPTIONS:
                known = ", ".join(_URL_OPTIONS)
                raise ValueError(f"unknown sandbox option {key!r} in {base_url!r}; known: {known}")
            options[key] = _URL_OPTIONS[key](value)
        return cls(path or DEFAULT_DB, **{**options, **overrides})

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
        fault = self.faults.decide(method, path)
        if fault is not None and fault.kind == "cut":
            self._record(method, path, query, content, None, None, fault.kind)
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        headers: dict[str, str] = {}
        try:
            if fault is not None and not fault.after:
                self._fail_early(fault)
            self._authenticate(request)
            if self.limiter is not None:
                allowed, headers = self.limiter.take()
                if not allowed:
                    raise ApiError.of(
                        429, "10011", "Too many requests; retry after the reset time."
                    )
            status, body = self._route(method, path, query, content)
        except ApiError as exc:
            status, body = exc.status, exc.to_json()
            headers.update(exc.headers)
        except Exception as exc:
            # A sandbox bug: answer as a server would, and keep it for the tests to see.
            self.internal_errors.append(exc)
            detail = f"Unexpected error in the sandbox: {type(exc).__name__}: {exc}"
            status, body = 500, ApiError.of(500, "10007", detail).to_json()
        if fault is not None and fault.after:
            if fault.kind == "cut_after":
                self._record(method, path, query, content, None, None, fault.kind)
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
            error = ApiError.of(fault.status, "10007", "An unexpected error occurred.")
            status, body = error.status, error.to_json()
        self._record(method, path, query, content, status, body, fault.kind if fault else None)
        return httpx.Response(status, json=body, headers=headers, request=request)

    @staticmethod
    def _fail_early(fault: Fault) -> None:
        if fault.kind == "rate_limit":
            raise ApiError(
                429,
                ApiError.of(429, "10011", "Too many requests.").items,
                {"Retry-After": str(max(1, round(fault.retry_after)))},
            )
        raise ApiError.of(fault.status, "10007", "An unexpected error occurred.")

    def _authenticate(self, request: httpx.Request) -> None:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key or (self.api_key and key != self.api_key):
            raise ApiError.of(
                401, "10009", "Could not understand the provided credentials.",
                title="Authentication failed",
            )  # fmt: skip

    def _route(
        self, method: str, path: str, query: dict[str, str], content: bytes
    ) -> tuple[int, dict[str, Any]]:
        relative = unquote(path)
        if not relative.startswith(API_PREFIX + "/"):
            raise ApiError.of(404, "10005", f"No route matches {method} {path}.",
                              title="Route not found", pointer="/base")  # fmt: skip
        relative = relative[len(API_PREFIX) :].rstrip("/") or "/"
        handler, args = match(method, relative, path)
        with self.backend.access() as backend:
            return handler(backend, Request(method, relative, query, content, args))

    def _record(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        content: bytes,
        status: int | None,
        body: Any,
        fault: FaultKind | None,
    ) -> None:
        try:
            request_json = json.loads(content) if content else None
        except ValueError:
            request_json = content.decode("utf-8", "replace")
        with self._calls_lock:
            self.calls.append(Call(method, path, query, status, request_json, body, fault))

    # -- administration, behind the API's back -----------------------------------------------

    def inject_fault(
        self,
        kind: FaultKind,
        *,
        method: str | None = None,
        path: str | None = None,
        times: int = 1,
        status: int = 500,
        retry_after: float = 1.0,
    ) -> None:
        """Script the next matching requests to fail (see ``faults`` for the kinds)."""
        self.faults.script(
            kind, method=method, path=path, times=times, status=status, retry_after=retry_after
        )

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
