"""Every error the Telnyx client raises, under one root.

```
BulkNumbersError                 catch-all for this package
 ├── UsageError                   the client was configured or called wrongly (also a ValueError)
 ├── APIError                     Telnyx answered with a non-2xx status
 │    ├── BadRequestError          400
 │    ├── AuthenticationError      401
 │    ├── PermissionDeniedError    403
 │    ├── NotFoundError            404
 │    ├── ConflictError            409
 │    ├── UnprocessableEntityError 422
 │    ├── RateLimitError           429  (retry_after)
 │    └── ServerError              5xx
 ├── TransportError               connection failed, cut or timed out (request_sent)
 ├── UnexpectedResponseError      a 2xx that is not JSON, not the documented shape, or absurd
 ├── OrderFailedError             a bulk order bought nothing, or cannot be found or finished
 ├── SettingsError                some numbers did not take new settings
 └── ReleaseError                 some numbers could not be released (numbers)
```

`APIError` carries `status_code`, Telnyx's `errors[]`, the request's `method` and `path` (never the
query string) and `request_id`. A non-2xx whose body is not Telnyx's JSON (an HTML 502 page from a
proxy, say) is still its status class, with `errors == []` and a short `body_excerpt`: the status
is what callers branch on. Its message says what came back ("502 Bad Gateway from a proxy (HTML
page, not the API's JSON)") and quotes only a few words of text bodies, never a page's markup.
The API key never appears in any message or attribute.

>>> try:
...     client.get_bulk_order("nope")
... except NotFoundError as exc:
...     print(exc.status_code, exc.errors[0].code)
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pulumi_bulknumbers.models import TelnyxErrorDetail

__all__ = [
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "BulkNumbersError",
    "ConflictError",
    "NotFoundError",
    "OrderFailedError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReleaseError",
    "ServerError",
    "SettingsError",
    "TransportError",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "UsageError",
    "error_class_for_status",
]


_QUOTE_CHARS = 80


def _rebuild(cls: type[BulkNumbersError], message: str, state: dict[str, Any]) -> BulkNumbersError:
    """Recreate an error without calling `__init__` (keyword-only signatures defeat pickle)."""
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class BulkNumbersError(Exception):
    """Root of every error raised by pulumi-bulknumbers."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), str(self), dict(self.__dict__)))


class UsageError(BulkNumbersError, ValueError):
    """The client was configured or called wrongly (no API key, nothing to update, empty id)."""


class APIError(BulkNumbersError):
    """Telnyx answered with a non-2xx status; see `status_code` and `errors`."""

    hint = "See https://developers.telnyx.com/development/api-fundamentals/api-errors."

    def __init__(
        self,
        status_code: int,
        errors: list[TelnyxErrorDetail],
        *,
        method: str,
        path: str,
        request_id: str | None = None,
        body_excerpt: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.errors = errors
        self.method = method
        self.path = path
        self.request_id = request_id
        self.body_excerpt = body_excerpt
        super().__init__(self._message())

    @property
    def codes(self) -> list[str]:
        """Telnyx error codes in the body (strings such as "10015"), in order."""
        return [e.code for e in self.errors if e.code]

    def _hint(self) -> str:
        return self.hint

    def _message(self) -> str:
        message = f"{self.method} {self.path} → {self.status_code}"
        if self.errors:
            message += ": " + "; ".join(e.describe() for e in self.errors)
        elif self.body_excerpt is not None:
            message = (
                f"{self.method} {self.path} → {_describe_body(self.status_code, self.body_excerpt)}"
            )
        if self.request_id:
            message += f" (request id {self.request_id})"
        return f"{message}. {self._hint()}"


def _describe_body(status_code: int, excerpt: str) -> str:
    """`502 Bad Gateway from a proxy (HTML page, not the API's JSON)` and the like.

    A page is named, not quoted: its markup says nothing useful in a one-line message.
    """
    try:
        status = f"{status_code} {HTTPStatus(status_code).phrase}"
    except ValueError:
        status = str(status_code)
    text = excerpt.strip()
    short = text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS] + "…"
    if not text:
        return f"{status} with an empty body, not the API's JSON"
    if text.startswith("<?xml"):
        return f"{status} from a proxy (XML document, not the API's JSON)"
    if text.startswith("<"):
        return f"{status} from a proxy (HTML page, not the API's JSON)"
    if text[0] in "{[":
        return f"{status} (JSON without Telnyx's errors[]): {short!r}"
    return f"{status} from a proxy (text, not the API's JSON): {short!r}"


class BadRequestError(APIError):
    """400: the request was malformed."""

    hint = "Fix the parameter or field named above and retry."


class AuthenticationError(APIError):
    """401: the API key is missing, wrong or revoked."""

    hint = "Check the API key (stack config telnyx:apiKey or the TELNYX_API_KEY variable)."


class PermissionDeniedError(APIError):
    """403: the key is valid but not allowed to do this."""

    hint = "Check the key's permissions and that the resource belongs to this account."


class NotFoundError(APIError):
    """404: no such resource (or route)."""

    hint = "Check the id: the resource may never have existed or may have been deleted."


class ConflictError(APIError):
    """409: a conflicting request is in progress."""

    hint = "Wait for the other request to finish, then retry."


class UnprocessableEntityError(APIError):
    """422: the request was well-formed but Telnyx refused its content."""

    hint = "Fix the field named above (see the pointer) and retry."


class RateLimitError(APIError):
    """429: too many requests; `retry_after` is the server's wait hint in seconds, if any."""

    def __init__(
        self,
        status_code: int,
        errors: list[TelnyxErrorDetail],
        *,
        method: str,
        path: str,
        request_id: str | None = None,
        body_excerpt: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(
            status_code,
            errors,
            method=method,
            path=path,
            request_id=request_id,
            body_excerpt=body_excerpt,
        )

    def _hint(self) -> str:
        wait = f"after {self.retry_after:g}s" if self.retry_after is not None else "later"
        return f"Telnyx is rate limiting this account: retry {wait}, or send fewer requests."


class ServerError(APIError):
    """5xx: Telnyx (or a proxy in front of it) failed."""

    hint = (
        "Telnyx failed; retry later. A POST may still have taken effect: "
        "look for what it created before sending it again."
    )


class TransportError(BulkNumbersError):
    """The connection failed, was cut, or timed out; no HTTP status was received.

    `request_sent` says whether the request may have reached Telnyx: `False` when nothing was
    sent (connect failure), `True` when it was sent and the answer was lost, `None` when unknown.
    """

    def __init__(self, message: str, *, method: str, path: str, request_sent: bool | None) -> None:
        self.method = method
        self.path = path
        self.request_sent = request_sent
        super().__init__(f"{method} {path}: {message}")


class UnexpectedResponseError(BulkNumbersError):
    """A 2xx whose body is not JSON, not the documented shape, or absurd (a Telnyx or proxy fault).

    Absurd: another resource than the one asked for, a negative count, or a bulk order group
    with more numbers allocated than requested. After a POST this means the request was
    processed but its answer cannot be trusted.
    """

    def __init__(
        self, message: str, *, method: str, path: str, status_code: int, body_excerpt: str
    ) -> None:
        self.method = method
        self.path = path
        self.status_code = status_code
        self.body_excerpt = body_excerpt
        super().__init__(
            f"{method} {path} → {status_code}: {message}; body starts {body_excerpt!r}. "
            "This is a Telnyx-side fault: retry later, and if it persists report it with this "
            "message."
        )


class OrderFailedError(BulkNumbersError):
    """A bulk order bought nothing, does not exist, or cannot be waited out; see the message."""


class SettingsError(BulkNumbersError):
    """Some numbers did not take new settings; the message names them and why."""


class ReleaseError(BulkNumbersError):
    """Some numbers could not be released and are still owned; `numbers` lists them."""

    def __init__(self, message: str, *, numbers: list[str]) -> None:
        self.numbers = numbers
        super().__init__(message)


_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class_for_status(status_code: int) -> type[APIError]:
    """The `APIError` subclass for an HTTP status (`ServerError` for any 5xx)."""
    if status_code >= 500:
        return ServerError
    return _STATUS_CLASSES.get(status_code, APIError)
