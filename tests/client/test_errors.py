"""The error tree: one status table, messages that say what failed and what to do."""

from __future__ import annotations

import pickle

import pytest

from pulumi_bulknumbers.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    BulkNumbersError,
    ConflictError,
    NotFoundError,
    OrderFailedError,
    PermissionDeniedError,
    RateLimitError,
    ReleaseError,
    ServerError,
    SettingsError,
    TransportError,
    UnexpectedResponseError,
    UnprocessableEntityError,
    UsageError,
    error_class_for_status,
)
from pulumi_bulknumbers.models import TelnyxErrorDetail


def _detail(**fields: object) -> TelnyxErrorDetail:
    return TelnyxErrorDetail.model_validate(fields)


class TestStatusTable:
    @pytest.mark.parametrize(
        ("status", "cls"),
        [
            (400, BadRequestError),
            (401, AuthenticationError),
            (403, PermissionDeniedError),
            (404, NotFoundError),
            (409, ConflictError),
            (422, UnprocessableEntityError),
            (429, RateLimitError),
            (500, ServerError),
            (502, ServerError),
            (503, ServerError),
            (504, ServerError),
            (599, ServerError),
            (418, APIError),
        ],
        ids=lambda v: str(v) if isinstance(v, int) else v.__name__,
    )
    def test_status_maps_to_class(self, status: int, cls: type[APIError]) -> None:
        """Each HTTP status has one class; other 4xx fall back to APIError."""
        assert error_class_for_status(status) is cls

    @pytest.mark.parametrize(
        "cls",
        [
            APIError,
            ServerError,
            RateLimitError,
            TransportError,
            UnexpectedResponseError,
            UsageError,
            OrderFailedError,
            SettingsError,
            ReleaseError,
        ],
        ids=lambda c: c.__name__,
    )
    def test_everything_is_rooted(self, cls: type[Exception]) -> None:
        """Every error is a BulkNumbersError, so one except clause catches them all."""
        assert issubclass(cls, BulkNumbersError)

    def test_usage_error_is_a_value_error(self) -> None:
        """Callers used to ValueError for bad arguments still catch usage errors."""
        assert issubclass(UsageError, ValueError)


class TestMessages:
    def test_message_names_request_status_code_title_detail_and_pointer(self) -> None:
        """The message says what failed and where, then what to do."""
        error = UnprocessableEntityError(
            422,
            [
                _detail(
                    code="10015",
                    title="Bad Request",
                    detail="Only US and CA are supported",
                    source={"pointer": "/ordering_groups/0/country_iso"},
                )
            ],
            method="POST",
            path="/v2/inexplicit_number_orders",
            request_id="req-1",
        )
        assert str(error) == (
            "POST /v2/inexplicit_number_orders → 422: Telnyx 10015 Bad Request: Only US and CA "
            "are supported (at /ordering_groups/0/country_iso) (request id req-1). "
            "Fix the field named above (see the pointer) and retry."
        )
        assert error.codes == ["10015"]

    def test_several_errors_are_all_listed(self) -> None:
        """Every entry of errors[] appears in the message."""
        error = BadRequestError(
            400,
            [_detail(code="10004", detail="a"), _detail(code="10015", detail="b")],
            method="GET",
            path="/v2/x",
        )
        assert "10004" in str(error)
        assert "10015" in str(error)

    def test_an_html_page_is_named_not_quoted(self) -> None:
        """Without errors[], an HTML body is described by kind; its markup stays out."""
        error = ServerError(502, [], method="GET", path="/v2/x", body_excerpt="<html>Bad gateway")
        assert str(error).startswith(
            "GET /v2/x → 502 Bad Gateway from a proxy (HTML page, not the API's JSON). "
        )
        assert "<html>" not in str(error)
        assert "retry later" in str(error)

    @pytest.mark.parametrize(
        ("status", "excerpt", "says"),
        [
            (503, "upstream connect error", "503 Service Unavailable from a proxy (text, "),
            (500, '{"message": "Internal server error"}', "(JSON without Telnyx's errors[]): "),
            (502, "", "502 Bad Gateway with an empty body"),
            (504, "<?xml version='1.0'?><Error/>", "from a proxy (XML document, not the"),
            (599, "x" * 200, "→ 599 from a proxy (text"),
        ],
        ids=["text", "json-no-errors", "empty", "xml", "unnamed-status"],
    )
    def test_other_bodies_are_described_and_quoted_briefly(
        self, status: int, excerpt: str, says: str
    ) -> None:
        """Text and foreign JSON are quoted (80 characters at most); empty bodies said so."""
        error = ServerError(status, [], method="GET", path="/v2/x", body_excerpt=excerpt)
        assert says in str(error)
        assert "x" * 81 not in str(error)

    @pytest.mark.parametrize(
        ("retry_after", "advice"),
        [(2.5, "retry after 2.5s"), (None, "retry later")],
        ids=["with-hint", "without-hint"],
    )
    def test_rate_limit_says_when_to_retry(self, retry_after: float | None, advice: str) -> None:
        """RateLimitError carries retry_after and says it."""
        error = RateLimitError(429, [], method="GET", path="/v2/x", retry_after=retry_after)
        assert error.retry_after == retry_after
        assert advice in str(error)

    def test_authentication_error_points_at_the_key_setting(self) -> None:
        """A 401 tells the user where the key comes from."""
        error = AuthenticationError(401, [], method="GET", path="/v2/x")
        assert "telnyx:apiKey" in str(error)

    def test_transport_error_keeps_request_sent(self) -> None:
        """TransportError records whether the request may have reached Telnyx."""
        error = TransportError("ReadTimeout", method="POST", path="/v2/x", request_sent=True)
        assert (error.request_sent, str(error)) == (True, "POST /v2/x: ReadTimeout")

    def test_unexpected_response_quotes_the_body(self) -> None:
        """UnexpectedResponseError names the request and quotes a short excerpt."""
        error = UnexpectedResponseError(
            "the body is not JSON", method="GET", path="/v2/x", status_code=200, body_excerpt="oops"
        )
        assert str(error).startswith("GET /v2/x → 200: the body is not JSON; body starts 'oops'.")


class TestPickling:
    @pytest.mark.parametrize(
        "error",
        [
            NotFoundError(404, [_detail(code="10005")], method="GET", path="/v2/x"),
            RateLimitError(429, [], method="GET", path="/v2/x", retry_after=1.0),
            TransportError("cut", method="POST", path="/v2/x", request_sent=None),
            UnexpectedResponseError(
                "bad", method="GET", path="/p", status_code=200, body_excerpt="x"
            ),
            ReleaseError("2 numbers are locked", numbers=["+1", "+2"]),
        ],
        ids=["not-found", "rate-limit", "transport", "unexpected", "release"],
    )
    def test_round_trips(self, error: BulkNumbersError) -> None:
        """Errors survive pickling (keyword-only constructors would otherwise break it)."""
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error)
        assert copy.__dict__ == error.__dict__
