"""Absurd answers end as clear errors in the tree, never as a bare traceback."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_bulknumbers.errors import ServerError, UnexpectedResponseError
from pulumi_bulknumbers.transport import RetryPolicy
from tests.client.conftest import MakeScripted
from tests.client.helpers import data
from tests.client.test_client_wire import REQUEST

ORDER_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
GROUP = {"country_iso": "US", "phone_number_type": "local", "status": "success"}
META = {"page_number": 1, "page_size": 250, "total_pages": 1, "total_results": 1}
PROXY_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
    + "<p>nginx</p>" * 200
    + "</body></html>"
)


def _no_chained_traceback(error: BaseException) -> None:
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


class TestMalformedSuccess:
    @pytest.mark.parametrize(
        "body",
        [b'{"data": {"id": "o"', b"\xff\xfe garbage", b"[" * 100_000, b""],
        ids=["truncated", "not-utf8", "absurdly-deep", "empty"],
    )
    def test_bad_json_names_method_path_status_and_excerpt(
        self, scripted: MakeScripted, body: bytes
    ) -> None:
        """A 2xx that does not parse is an UnexpectedResponseError with a short excerpt."""
        client, _ = scripted(httpx.Response(200, content=body))
        with pytest.raises(UnexpectedResponseError) as info:
            client.get_bulk_order("o")
        error = info.value
        assert str(error).startswith("GET /v2/inexplicit_number_orders/o → 200: the body is not")
        assert (error.method, error.status_code) == ("GET", 200)
        assert len(error.body_excerpt) <= 161
        _no_chained_traceback(error)


class TestNonJsonErrors:
    def test_html_502_names_the_proxy_without_the_page(self, scripted: MakeScripted) -> None:
        """A proxy's HTML page raises ServerError that says what it is, not what it says."""
        client, _ = scripted(
            httpx.Response(502, text=PROXY_PAGE, headers={"content-type": "text/html"}),
            policy=RetryPolicy(max_attempts=1),
        )
        with pytest.raises(ServerError) as info:
            client.list_phone_numbers()
        message = str(info.value)
        assert message.startswith(
            "GET /v2/phone_numbers → 502 Bad Gateway from a proxy (HTML page, not the API's JSON)."
        )
        assert "nginx" not in message
        assert "<" not in message
        assert info.value.errors == []

    def test_html_503_after_retries_is_still_a_server_error(self, scripted: MakeScripted) -> None:
        """Retries exhausted on HTML pages end in the same clear ServerError."""
        page = httpx.Response(503, text=PROXY_PAGE)
        client, script = scripted(page, page, page, page)
        with pytest.raises(ServerError, match="503 Service Unavailable from a proxy"):
            client.get_job("j")
        assert len(script.requests) == 4


class TestWrongResource:
    @pytest.mark.parametrize(
        ("call", "payload", "says"),
        [
            (
                lambda c: c.get_bulk_order(ORDER_ID),
                {"id": "other", "ordering_groups": []},
                f"asked for BulkOrder '{ORDER_ID}' but the answer is 'other'",
            ),
            (
                lambda c: c.get_number_order("n1"),
                {"id": "n2"},
                "asked for NumberOrder 'n1' but the answer is 'n2'",
            ),
            (
                lambda c: c.update_number_order("n1", customer_reference="r"),
                {"id": "n2"},
                "asked for NumberOrder 'n1' but the answer is 'n2'",
            ),
            (
                lambda c: c.get_sub_number_order("s1"),
                {"id": "s2"},
                "asked for SubNumberOrder 's1' but the answer is 's2'",
            ),
            (
                lambda c: c.get_job("j1"),
                {"id": "j2"},
                "asked for PhoneNumbersJob 'j1' but the answer is 'j2'",
            ),
            (
                lambda c: c.get_messaging_bulk_update("m1"),
                {"order_id": "m2"},
                "asked for MessagingBulkUpdate 'm1' but the answer is 'm2'",
            ),
        ],
        ids=["bulk-order", "number-order", "number-order-patch", "sub-order", "job", "messaging"],
    )
    def test_an_answer_about_another_id_is_refused(
        self, scripted: MakeScripted, call: Any, payload: dict[str, Any], says: str
    ) -> None:
        """Fetching one id and receiving another raises, naming both and the request."""
        client, script = scripted(data(payload))
        with pytest.raises(UnexpectedResponseError) as info:
            call(client)
        request = script.requests[0]
        assert str(info.value).startswith(f"{request.method} {request.url.path} → 200: {says}")

    def test_ids_differing_only_in_case_are_the_same(self, scripted: MakeScripted) -> None:
        """UUIDs are case-insensitive: an upper-case echo is the same order."""
        client, _ = scripted(data({"id": ORDER_ID.upper(), "ordering_groups": []}))
        assert client.get_bulk_order(ORDER_ID).id == ORDER_ID.upper()


class TestImpossibleCounts:
    @pytest.mark.parametrize(
        ("group", "says"),
        [
            (
                GROUP | {"count_requested": 10, "count_allocated": 12},
                "ordering group 1 (US local) allocated 12 numbers but only 10 were requested",
            ),
            (
                GROUP | {"count_requested": -1, "count_allocated": 0},
                "ordering group 1 (US local) has a negative count (requested -1, allocated 0)",
            ),
            (
                GROUP | {"count_requested": 5, "count_allocated": -3},
                "ordering group 1 (US local) has a negative count (requested 5, allocated -3)",
            ),
        ],
        ids=["over-allocated", "negative-requested", "negative-allocated"],
    )
    @pytest.mark.parametrize(
        ("call", "answer"),
        [
            (lambda c: c.get_bulk_order(ORDER_ID), lambda order: {"data": order}),
            (lambda c: list(c.iter_bulk_orders()), lambda order: {"data": [order], "meta": META}),
        ],
        ids=["get", "list"],
    )
    def test_a_group_with_impossible_counts_is_refused(
        self, scripted: MakeScripted, call: Any, answer: Any, group: dict[str, Any], says: str
    ) -> None:
        """The error names the order and the group, and the provider never sees the order."""
        ok = GROUP | {"count_requested": 2, "count_allocated": 2}
        order = {"id": ORDER_ID, "ordering_groups": [ok, group]}
        client, _ = scripted(httpx.Response(200, json=answer(order)))
        with pytest.raises(UnexpectedResponseError) as info:
            call(client)
        assert f"bulk order {ORDER_ID}, {says}" in str(info.value)

    def test_a_create_answer_with_impossible_counts_is_refused(
        self, scripted: MakeScripted
    ) -> None:
        """The order was created, but its answer cannot be trusted: the caller must look."""
        group = GROUP | {"count_requested": 2, "count_allocated": 3}
        client, _ = scripted(data({"id": ORDER_ID, "ordering_groups": [group]}))
        with pytest.raises(UnexpectedResponseError, match="POST /v2/inexplicit_number_orders"):
            client.create_bulk_order(REQUEST)

    def test_a_missing_count_requested_is_not_an_absurdity(self, scripted: MakeScripted) -> None:
        """Only counts that were sent are compared: an absent count_requested says nothing."""
        group = {"status": "processing", "count_allocated": 4}
        client, _ = scripted(data({"id": ORDER_ID, "ordering_groups": [group]}))
        assert client.get_bulk_order(ORDER_ID).count_allocated == 4
