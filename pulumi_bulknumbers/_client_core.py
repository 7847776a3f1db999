"""The client's plumbing: construction, auth, sending, and turning responses into models or errors.

The endpoint methods live in `_orders_api.py`, `_numbers_api.py` and `_inventory_api.py`;
`client.BulkNumbersClient` puts them together.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Generator, Mapping
from types import TracebackType
from typing import Any, Final, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from pulumi_bulknumbers._pagination import DEFAULT_PAGE_WORKERS, Page
from pulumi_bulknumbers._ratelimit import RateLimitedTransport, RateLimiter, shared_limiter
from pulumi_bulknumbers._version import __version__
from pulumi_bulknumbers._wire import Check
from pulumi_bulknumbers.errors import (
    APIError,
    RateLimitError,
    TransportError,
    UnexpectedResponseError,
    UsageError,
    error_class_for_status,
)
from pulumi_bulknumbers.models import PaginationMeta, TelnyxErrorDetail
from pulumi_bulknumbers.transport import RetryPolicy, RetryTransport, server_delay

__all__ = ["DEFAULT_BASE_URL", "USER_AGENT", "ClientCore"]

_log = logging.getLogger("pulumi_bulknumbers.client")

M = TypeVar("M", bound=BaseModel)

DEFAULT_BASE_URL: Final = "https://api.telnyx.com/v2"
USER_AGENT: Final = f"pulumi-bulknumbers/{__version__} (+python httpx)"
# The in-process sandbox answers any host; this one keeps paths and messages Telnyx-like.
_SANDBOX_HTTP_URL: Final = "https://api.telnyx.com/v2"
_SANDBOX_KEY: Final = "sandbox"
_EXCERPT_CHARS: Final = 160
_REAL_TIME: Final = (time.sleep, time.monotonic)

# httpx failures by whether the request can have reached the server (TransportError.request_sent).
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
_SENT = (httpx.ReadError, httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.DecodingError)


def _is_sandbox(base_url: str) -> bool:
    return base_url == "sandbox" or base_url.startswith("sandbox:")


class _BearerAuth(httpx.Auth):
    """Adds `Authorization: Bearer <key>`; its repr never shows the key."""

    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._api_key}"
        yield request

    def __repr__(self) -> str:
        return "_BearerAuth(api_key='***')"


class ClientCore:
    """Construction and the request/response cycle shared by every endpoint method."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout = 30.0,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        page_workers: int = DEFAULT_PAGE_WORKERS,
    ) -> None:
        if page_workers < 1:
            raise UsageError(f"page_workers must be at least 1, not {page_workers}")
        self.base_url = base_url
        self.page_workers = page_workers
        """How many pages of a list `iter_*` fetches at once after the first (1: one by one)."""
        self._sandbox: Any = None
        if _is_sandbox(base_url):
            if transport is not None:
                raise UsageError("base_url 'sandbox' brings its own transport: do not pass one")
            # Imported here so the client does not load the sandbox unless asked to.
            from pulumi_bulknumbers.sandbox import Sandbox

            try:
                self._sandbox = Sandbox.from_base_url(base_url)
            except ValueError as exc:  # an unknown option or a malformed value
                raise UsageError(f"invalid sandbox base URL: {exc}") from None
            inner: httpx.BaseTransport = self._sandbox.transport()
            http_url, api_key = _SANDBOX_HTTP_URL, api_key or _SANDBOX_KEY
        elif not api_key:
            raise UsageError(
                "No Telnyx API key: set the stack secret telnyx:apiKey or TELNYX_API_KEY, "
                "or use base_url='sandbox' to run against the embedded sandbox."
            )
        else:
            inner, http_url = transport or httpx.HTTPTransport(), base_url.rstrip("/")
        if transport is None and self._sandbox is None and (sleep, clock) == _REAL_TIME:
            self._limiter = shared_limiter(http_url)
        else:  # its own server, or its own time: a budget of its own
            self._limiter = RateLimiter(clock=clock, sleep=sleep)
        self._api_key = api_key
        self._http = httpx.Client(
            base_url=http_url,
            auth=_BearerAuth(api_key),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            transport=RetryTransport(
                RateLimitedTransport(inner, self._limiter), policy=retry, sleep=sleep, clock=clock
            ),
        )
        self._base_path = self._http.base_url.path.rstrip("/")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key='***')"

    def close(self) -> None:
        """Close the connection pool (and the embedded sandbox, if this client made one)."""
        self._http.close()
        if self._sandbox is not None and hasattr(self._sandbox, "close"):
            self._sandbox.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the request cycle --------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: object = None,
    ) -> tuple[int, Any]:
        """Send one request; return its status and decoded JSON body, or raise an error."""
        full_path = self._base_path + path
        failure: TransportError | None = None
        try:
            response = self._http.request(method, path, params=params, json=body)
        except httpx.RequestError as exc:
            failure = self._transport_error(exc, method, full_path)
        if failure is not None:
            # Raised outside the except block: the httpx exception holds the request and with
            # it the Authorization header, so it must not ride along as __context__.
            raise failure
        _log.debug("%s %s → %d", method, full_path, response.status_code)
        if not response.is_success:
            raise self._api_error(response, method, full_path)
        try:
            return response.status_code, json.loads(response.content)
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            raise self._unexpected(response, method, full_path, "the body is not JSON") from None

    def _one(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        check: Check[M] | None = None,
        **kwargs: Any,
    ) -> M:
        """Call and parse `{"data": {...}}` into `model`; `check` names what is absurd in it."""
        status, payload = self._call(method, path, **kwargs)
        item = self._parse(payload, model, method, path, status)
        if check is not None and (problem := check(item)) is not None:
            raise self._shape_error(payload, method, path, problem, status)
        return item

    def _list(self, path: str, model: type[M], params: Mapping[str, str]) -> list[M]:
        """GET and parse `{"data": [...]}` into a list of `model`."""
        _, payload = self._call("GET", path, params=params)
        return self._parse_items(payload, model, path)

    def _page(
        self,
        path: str,
        model: type[M],
        params: Mapping[str, str],
        *,
        check: Check[M] | None = None,
    ) -> Page[M]:
        """GET and parse `{"data": [...], "meta": {...}}` into a `Page`."""
        status, payload = self._call("GET", path, params=params)
        items = self._parse_items(payload, model, path)
        meta = self._parse({"data": payload.get("meta") or {}}, PaginationMeta, "GET", path)
        problems = (check(item) for item in items) if check is not None else iter(())
        if (problem := next((p for p in problems if p is not None), None)) is not None:
            raise self._shape_error(payload, "GET", path, problem, status)
        return Page(data=items, meta=meta)

    def _parse_items(self, payload: Any, model: type[M], path: str) -> list[M]:
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, list):
            raise self._shape_error(
                payload, "GET", path, f"'data' is not a list of {model.__name__}"
            )
        return [self._parse({"data": item}, model, "GET", path) for item in data]

    def _parse(self, payload: Any, model: type[M], method: str, path: str, status: int = 200) -> M:
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            message = f"'data' is not a {model.__name__}"
            raise self._shape_error(payload, method, path, message, status)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or model.__name__}: {e['msg']}"
                for e in exc.errors(include_url=False, include_input=False)[:3]
            )
            message = f"'data' does not match {model.__name__} ({problems})"
            raise self._shape_error(payload, method, path, message, status) from None

    # -- errors --------------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "***") if len(self._api_key) >= 4 else text

    def _excerpt(self, text: str) -> str:
        flat = " ".join(self._redact(text).split())
        return flat if len(flat) <= _EXCERPT_CHARS else flat[:_EXCERPT_CHARS] + "…"

    def _shape_error(
        self, payload: Any, method: str, path: str, message: str, status: int = 200
    ) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            message,
            method=method,
            path=self._base_path + path,
            status_code=status,
            body_excerpt=self._excerpt(json.dumps(payload, default=str)),
        )

    def _unexpected(
        self, response: httpx.Response, method: str, full_path: str, message: str
    ) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            message,
            method=method,
            path=full_path,
            status_code=response.status_code,
            body_excerpt=self._excerpt(response.text),
        )

    def _api_error(self, response: httpx.Response, method: str, full_path: str) -> APIError:
        text = self._redact(response.text)
        errors: list[TelnyxErrorDetail] = []
        try:
            raw = json.loads(text).get("errors")
            errors = [TelnyxErrorDetail.model_validate(e) for e in raw if isinstance(e, dict)]
        except (ValueError, AttributeError, TypeError, RecursionError, ValidationError):
            errors = []  # not Telnyx's envelope (an HTML page from a proxy, say)
        common: dict[str, Any] = {
            "method": method,
            "path": full_path,
            "request_id": response.headers.get("x-request-id"),
            "body_excerpt": None if errors else self._excerpt(text),
        }
        cls = error_class_for_status(response.status_code)
        if cls is RateLimitError:
            wait = server_delay(response.headers, now=time.time(), rate_limited=True)
            return RateLimitError(response.status_code, errors, retry_after=wait, **common)
        return cls(response.status_code, errors, **common)

    def _transport_error(self, exc: httpx.RequestError, method: str, path: str) -> TransportError:
        sent = False if isinstance(exc, _NOT_SENT) else True if isinstance(exc, _SENT) else None
        what = f"{type(exc).__name__}: {self._redact(str(exc)) or 'no detail'}"
        if sent is False:
            advice = "nothing was sent; check the network and base URL, then retry"
        elif method in ("GET", "HEAD", "OPTIONS"):
            advice = "reading is safe to retry"
        else:
            advice = "Telnyx may have processed it; check its effect before sending it again"
        return TransportError(f"{what} ({advice})", method=method, path=path, request_sent=sent)
