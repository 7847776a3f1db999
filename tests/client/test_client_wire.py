"""BulkNumbersClient on the wire: exact requests, and every failure mapped into the error tree."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from pulumi_bulknumbers._version import __version__
from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.errors import (
    NotFoundError,
    RateLimitError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
    UnprocessableEntityError,
    UsageError,
)
from pulumi_bulknumbers.models import BulkOrderRequest, OrderingGroupRequest
from pulumi_bulknumbers.transport import RetryPolicy
from tests.client.conftest import MakeScripted
from tests.client.helpers import API_KEY, data, telnyx_error

ORDER = {"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "ordering_groups": []}
NUMBER = {"id": "1293384261075731499", "phone_number": "+12125550100", "status": "active"}
JOB = {"id": "42587e44-3a3e-46de-9255-0c9a7a1d1ec7", "status": "pending"}
REQUEST = BulkOrderRequest(
    ordering_groups=[
        OrderingGroupRequest(country_iso="US", phone_number_type="local", count_requested=2)
    ]
)


def _page(items: list[dict[str, Any]], number: int, total_pages: int) -> httpx.Response:
    meta = {"page_number": number, "page_size": 2, "total_pages": total_pages, "total_results": 5}
    return httpx.Response(200, json={"data": items, "meta": meta})


def _query(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params)


def _body(request: httpx.Request) -> Any:
    return json.loads(request.content)


class TestConstruction:
    def test_missing_key_is_a_clear_usage_error(self) -> None:
        """No key and no sandbox: refuse at construction, saying where keys come from."""
        with pytest.raises(UsageError, match="TELNYX_API_KEY"):
            BulkNumbersClient()

    def test_sandbox_with_a_transport_is_refused(self) -> None:
        """The sandbox brings its own transport; passing another is a usage error."""
        with pytest.raises(UsageError, match="sandbox"):
            BulkNumbersClient(base_url="sandbox", transport=httpx.MockTransport(lambda r: data({})))

    def test_requests_carry_auth_user_agent_and_timeout(self, scripted: MakeScripted) -> None:
        """Bearer auth, the package User-Agent and the configured timeout are on every request."""
        client, script = scripted(data(NUMBER))
        client.get_phone_number("1293384261075731499")
        (request,) = script.requests
        assert request.headers["Authorization"] == f"Bearer {API_KEY}"
        assert request.headers["User-Agent"] == f"pulumi-bulknumbers/{__version__} (+python httpx)"
        assert request.headers["Accept"] == "application/json"
        assert request.extensions["timeout"]["read"] == 30.0

    @pytest.mark.parametrize(
        "base_url",
        ["http://127.0.0.1:9/v2", "http://127.0.0.1:9/v2/"],
        ids=["plain", "trailing-slash"],
    )
    def test_base_url_prefixes_every_path(self, base_url: str) -> None:
        """Paths are appended to the base URL's path, with or without a trailing slash."""
        seen: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(str(request.url))
            return data(ORDER | {"id": "abc"})

        with BulkNumbersClient(
            API_KEY, base_url=base_url, transport=httpx.MockTransport(handler), timeout=2
        ) as c:
            c.get_bulk_order("abc")
        assert seen == ["http://127.0.0.1:9/v2/inexplicit_number_orders/abc"]

    def test_repr_redacts_the_key(self, scripted: MakeScripted) -> None:
        """repr shows the base URL but never the key."""
        client, _ = scripted()
        assert (
            repr(client) == "BulkNumbersClient(base_url='https://api.telnyx.com/v2', api_key='***')"
        )


class TestRequests:
    """Each method sends exactly the method, path, query and body the spec defines."""

    @pytest.mark.parametrize(
        ("call", "response", "method", "path", "query"),
        [
            (
                lambda c: c.get_bulk_order("o-1"),
                data(ORDER | {"id": "o-1"}),
                "GET",
                "/v2/inexplicit_number_orders/o-1",
                {},
            ),
            (
                lambda c: c.list_bulk_orders(page_number=2, page_size=50),
                _page([ORDER], 2, 2),
                "GET",
                "/v2/inexplicit_number_orders",
                {"page_number": "2", "page_size": "50"},
            ),
            (
                lambda c: c.get_number_order("n-1"),
                data({"id": "n-1"}),
                "GET",
                "/v2/number_orders/n-1",
                {},
            ),
            (
                lambda c: c.list_number_orders(status="success", customer_reference="ref"),
                _page([{"id": "n"}], 1, 1),
                "GET",
                "/v2/number_orders",
                {
                    "filter[status]": "success",
                    "filter[customer_reference]": "ref",
                    "page[number]": "1",
                    "page[size]": "20",
                },
            ),
            (
                lambda c: c.get_sub_number_order("s-1", include_phone_numbers=True),
                data({"id": "s-1"}),
                "GET",
                "/v2/sub_number_orders/s-1",
                {"filter[include_phone_numbers]": "true"},
            ),
            (
                lambda c: c.get_sub_number_order("s-1"),
                data({"id": "s-1"}),
                "GET",
                "/v2/sub_number_orders/s-1",
                {},
            ),
            (
                lambda c: c.list_sub_number_orders(order_request_id="n-1", status="pending"),
                _page([{"id": "s"}], 1, 1),
                "GET",
                "/v2/sub_number_orders",
                {"filter[order_request_id]": "n-1", "filter[status]": "pending"},
            ),
            (
                lambda c: c.list_phone_numbers(
                    phone_number="+1212555",
                    customer_reference="ref",
                    tag="t",
                    status="active",
                    connection_id="c",
                    billing_group_id="b",
                    page_number=3,
                    page_size=250,
                ),
                _page([NUMBER], 3, 3),
                "GET",
                "/v2/phone_numbers",
                {
                    "filter[phone_number]": "1212555",
                    "filter[customer_reference]": "ref",
                    "filter[tag]": "t",
                    "filter[status]": "active",
                    "filter[connection_id]": "c",
                    "filter[billing_group_id]": "b",
                    "page[number]": "3",
                    "page[size]": "250",
                },
            ),
            (lambda c: c.get_phone_number("123"), data(NUMBER), "GET", "/v2/phone_numbers/123", {}),
            (
                lambda c: c.delete_phone_number("123"),
                data(NUMBER),
                "DELETE",
                "/v2/phone_numbers/123",
                {},
            ),
            (
                lambda c: c.get_job("j-1"),
                data(JOB | {"id": "j-1"}),
                "GET",
                "/v2/phone_numbers/jobs/j-1",
                {},
            ),
            (
                lambda c: c.get_messaging_bulk_update("m-1"),
                data({"order_id": "m-1"}),
                "GET",
                "/v2/messaging_numbers_bulk_updates/m-1",
                {},
            ),
            (
                lambda c: c.inventory_coverage(
                    country_code="US",
                    phone_number_type="local",
                    administrative_area="NY",
                    npa=212,
                    features=["voice", "sms"],
                ),
                httpx.Response(
                    200, json={"data": [{"group": "212", "count": 9}], "meta": {"total_results": 1}}
                ),
                "GET",
                "/v2/inventory_coverage",
                {
                    "filter[country_code]": "US",
                    "filter[phone_number_type]": "local",
                    "filter[groupBy]": "national_destination_code",
                    "filter[administrative_area]": "NY",
                    "filter[npa]": "212",
                    "filter[features]": "voice,sms",
                    "filter[count]": "true",
                },
            ),
            (
                lambda c: c.available_phone_numbers(
                    country_code="US",
                    national_destination_code="212",
                    starts_with="555",
                    contains="12",
                    features=["sms"],
                    quickship=False,
                    limit=5,
                ),
                httpx.Response(200, json={"data": [{"phone_number": "+12125551200"}]}),
                "GET",
                "/v2/available_phone_numbers",
                {
                    "filter[country_code]": "US",
                    "filter[national_destination_code]": "212",
                    "filter[features]": "sms",
                    "filter[phone_number][starts_with]": "555",
                    "filter[phone_number][contains]": "12",
                    "filter[quickship]": "false",
                    "filter[limit]": "5",
                },
            ),
        ],
        ids=[
            "get_bulk_order",
            "list_bulk_orders-flat-paging",
            "get_number_order",
            "list_number_orders-deep-paging",
            "get_sub_number_order-with-numbers",
            "get_sub_number_order",
            "list_sub_number_orders-no-paging",
            "list_phone_numbers-all-filters",
            "get_phone_number",
            "delete_phone_number",
            "get_job",
            "get_messaging_bulk_update",
            "inventory_coverage",
            "available_phone_numbers",
        ],
    )
    def test_reads(
        self,
        scripted: MakeScripted,
        call: Any,
        response: httpx.Response,
        method: str,
        path: str,
        query: dict[str, str],
    ) -> None:
        """Reads use the spec's paths and query parameter spellings."""
        client, script = scripted(response)
        call(client)
        (request,) = script.requests
        assert (request.method, request.url.path, _query(request)) == (method, path, query)

    @pytest.mark.parametrize(
        ("call", "response", "path", "body"),
        [
            (
                lambda c: c.create_bulk_order(REQUEST),
                data(ORDER),
                "/v2/inexplicit_number_orders",
                {
                    "ordering_groups": [
                        {"country_iso": "US", "phone_number_type": "local", "count_requested": "2"}
                    ]
                },
            ),
            (
                lambda c: c.create_number_order(
                    ["+12125550100"], connection_id="c", customer_reference="r"
                ),
                data({"id": "n"}),
                "/v2/number_orders",
                {
                    "phone_numbers": [{"phone_number": "+12125550100"}],
                    "connection_id": "c",
                    "customer_reference": "r",
                },
            ),
            (
                lambda c: c.create_delete_job(["1", "2"]),
                data(JOB, status=202),
                "/v2/phone_numbers/jobs/delete_phone_numbers",
                {"phone_numbers": ["1", "2"]},
            ),
            (
                lambda c: c.create_update_job(["1"], tags=("a",), deletion_lock_enabled=True),
                data(JOB, status=202),
                "/v2/phone_numbers/jobs/update_phone_numbers",
                {"phone_numbers": ["1"], "tags": ["a"], "deletion_lock_enabled": True},
            ),
            (
                lambda c: c.create_messaging_bulk_update("mp", ["+1", "+2"]),
                data({"order_id": "m"}),
                "/v2/messaging_numbers_bulk_updates",
                {"messaging_profile_id": "mp", "numbers": ["+1", "+2"]},
            ),
        ],
        ids=["bulk-order", "number-order", "delete-job", "update-job", "messaging-bulk-update"],
    )
    def test_creates(
        self, scripted: MakeScripted, call: Any, response: httpx.Response, path: str, body: Any
    ) -> None:
        """Creates POST the documented JSON body."""
        client, script = scripted(response)
        call(client)
        (request,) = script.requests
        assert (request.method, request.url.path, _body(request)) == ("POST", path, body)

    def test_update_sends_only_given_fields_and_none_as_null(self, scripted: MakeScripted) -> None:
        """PATCH bodies hold exactly the arguments passed; None means null, absent means absent."""
        client, script = scripted(data(NUMBER))
        client.update_phone_number("123", connection_id=None, tags=["x"])
        (request,) = script.requests
        assert (request.method, request.url.path) == ("PATCH", "/v2/phone_numbers/123")
        assert _body(request) == {"connection_id": None, "tags": ["x"]}

    def test_messaging_update_patches_the_messaging_path(self, scripted: MakeScripted) -> None:
        """update_phone_number_messaging PATCHes /phone_numbers/{id}/messaging."""
        client, script = scripted(data({"id": "123", "messaging_profile_id": "mp"}))
        settings = client.update_phone_number_messaging("123", messaging_profile_id="mp")
        assert settings.messaging_profile_id == "mp"
        assert script.methods_and_paths == ["PATCH /v2/phone_numbers/123/messaging"]
        assert _body(script.requests[0]) == {"messaging_profile_id": "mp"}

    def test_ids_are_quoted_as_one_path_segment(self, scripted: MakeScripted) -> None:
        """An id cannot climb out of its path segment."""
        client, script = scripted(data(NUMBER))
        client.get_phone_number("../jobs")
        assert script.requests[0].url.raw_path == b"/v2/phone_numbers/..%2Fjobs"

    @pytest.mark.parametrize(
        "call",
        [
            lambda c: c.get_phone_number(""),
            lambda c: c.update_phone_number("1"),
            lambda c: c.create_update_job(["1"]),
            lambda c: c.create_delete_job([]),
            lambda c: c.create_delete_job("+12125550100"),
            lambda c: c.create_number_order([]),
            lambda c: c.list_phone_numbers(page_size=251),
            lambda c: c.list_bulk_orders(page_number=0),
            lambda c: c.iter_phone_numbers(page_size=0),
        ],
        ids=[
            "empty-id",
            "update-nothing",
            "job-nothing",
            "no-numbers",
            "string-not-list",
            "empty-order",
            "page-too-big",
            "page-zero",
            "iter-page-size",
        ],
    )
    def test_misuse_fails_before_any_request(self, scripted: MakeScripted, call: Any) -> None:
        """Usage errors are raised locally and nothing is sent."""
        client, script = scripted()
        with pytest.raises(UsageError):
            call(client)
        assert script.requests == []


class TestPaging:
    def test_iter_bulk_orders_walks_flat_pages_to_the_end(self, scripted: MakeScripted) -> None:
        """Bulk orders page with page_number/page_size and stop at total_pages."""
        pages = [_page([{"id": f"o{i}"}, {"id": f"o{i}b"}], i, 3) for i in (1, 2, 3)]
        client, script = scripted(*pages)
        ids = [o.id for o in client.iter_bulk_orders(page_size=2)]
        assert ids == ["o1", "o1b", "o2", "o2b", "o3", "o3b"]
        assert [_query(r)["page_number"] for r in script.requests] == ["1", "2", "3"]

    def test_iter_phone_numbers_uses_deep_paging_and_filters(self, scripted: MakeScripted) -> None:
        """Phone numbers page with page[number]/page[size] and keep the filters on every page."""
        first = _page([NUMBER | {"id": "1"}], 1, 2)
        second = _page([NUMBER | {"id": "2"}], 2, 2)
        client, script = scripted(first, second)
        assert [n.id for n in client.iter_phone_numbers(tag="pool")] == ["1", "2"]
        assert [(_query(r)["page[number]"], _query(r)["filter[tag]"]) for r in script.requests] == [
            ("1", "pool"),
            ("2", "pool"),
        ]

    def test_iteration_is_lazy(self, scripted: MakeScripted) -> None:
        """Nothing is fetched until the iterator is consumed."""
        client, script = scripted(_page([NUMBER], 1, 1))
        numbers = client.iter_phone_numbers()
        assert script.requests == []
        assert len(list(numbers)) == 1

    def test_an_empty_page_ends_iteration(self, scripted: MakeScripted) -> None:
        """An empty page stops iteration even if total_pages claims more."""
        client, script = scripted(_page([], 1, 5))
        assert list(client.iter_number_orders()) == []
        assert len(script.requests) == 1

    def test_a_server_ignoring_page_numbers_does_not_loop(self, scripted: MakeScripted) -> None:
        """If page 2 comes back labelled page 1, iteration stops instead of repeating."""
        client, script = scripted(_page([{"id": "s"}], 1, 3), _page([{"id": "s"}], 1, 3))
        assert [s.id for s in client.iter_sub_number_orders(order_request_id="n")] == ["s"]
        assert "page[number]" not in _query(script.requests[0])
        assert _query(script.requests[1])["page[number]"] == "2"


class TestErrors:
    def test_telnyx_error_becomes_its_class_with_details(self, scripted: MakeScripted) -> None:
        """A Telnyx 404 raises NotFoundError carrying code, detail and the path without query."""
        client, _ = scripted(
            telnyx_error(404, "10005", "Resource not found", "No order abc", pointer="/id")
        )
        with pytest.raises(NotFoundError) as info:
            client.get_bulk_order("abc")
        error = info.value
        assert (error.status_code, error.method, error.path) == (
            404,
            "GET",
            "/v2/inexplicit_number_orders/abc",
        )
        assert error.errors[0].code == "10005"
        assert str(error).startswith(
            "GET /v2/inexplicit_number_orders/abc → 404: "
            "Telnyx 10005 Resource not found: No order abc (at /id)."
        )

    def test_query_strings_stay_out_of_errors(self, scripted: MakeScripted) -> None:
        """Filters may be sensitive; errors name only the path."""
        client, _ = scripted(telnyx_error(422, "10015", "Bad Request", "bad filter"))
        with pytest.raises(UnprocessableEntityError) as info:
            client.list_phone_numbers(customer_reference="private-ref")
        assert "private-ref" not in str(info.value)
        assert info.value.path == "/v2/phone_numbers"

    def test_request_id_is_kept(self, scripted: MakeScripted) -> None:
        """x-request-id from the response is carried for support tickets."""
        response = httpx.Response(
            422, json={"errors": [{"code": "10015"}]}, headers={"x-request-id": "r-9"}
        )
        client, _ = scripted(response)
        with pytest.raises(UnprocessableEntityError) as info:
            client.get_job("j")
        assert info.value.request_id == "r-9"

    def test_rate_limit_after_retries_carries_retry_after(self, scripted: MakeScripted) -> None:
        """When 429s outlast the policy, RateLimitError says how long to wait."""
        limited = httpx.Response(
            429, json={"errors": [{"code": "10011"}]}, headers={"Retry-After": "2"}
        )
        client, script = scripted(limited, limited, policy=RetryPolicy(rate_limit_seconds=3))
        with pytest.raises(RateLimitError) as info:
            client.get_job("j")
        assert (info.value.retry_after, len(script.requests)) == (2.0, 2)

    def test_html_502_is_a_server_error_quoting_the_page(self, scripted: MakeScripted) -> None:
        """A proxy's HTML 502 still raises ServerError, with a short excerpt and no errors[]."""
        page = httpx.Response(
            502, text="<html>\n<body>  <h1>502 Bad Gateway</h1></body></html>" + "x" * 500
        )
        client, _ = scripted(page, policy=RetryPolicy(max_attempts=1))
        with pytest.raises(ServerError) as info:
            client.get_bulk_order("o")
        error = info.value
        assert error.errors == []
        assert error.body_excerpt is not None
        assert error.body_excerpt.startswith("<html> <body> <h1>502 Bad Gateway</h1>")
        assert len(error.body_excerpt) <= 161

    @pytest.mark.parametrize(
        ("response", "reason"),
        [
            (httpx.Response(200, text="<html>maintenance</html>"), "not JSON"),
            (httpx.Response(200, text='{"data": {"id": '), "not JSON"),
            (httpx.Response(200, json=["data"]), "'data' is not a BulkOrder"),
            (httpx.Response(200, json={"order": ORDER}), "'data' is not a BulkOrder"),
            (
                httpx.Response(200, json={"data": {"ordering_groups": []}}),
                "does not match BulkOrder (id: Field required)",
            ),
            (
                httpx.Response(
                    200,
                    json={"data": {"id": "o", "ordering_groups": [{"count_allocated": "many"}]}},
                ),
                "ordering_groups.0.count_allocated",
            ),
        ],
        ids=["html", "truncated-json", "json-list", "no-data", "missing-id", "wrong-type"],
    )
    def test_unreadable_success_is_an_unexpected_response(
        self, scripted: MakeScripted, response: httpx.Response, reason: str
    ) -> None:
        """A 2xx that is not JSON or not the right shape raises UnexpectedResponseError."""
        client, _ = scripted(response)
        with pytest.raises(
            UnexpectedResponseError, match="GET /v2/inexplicit_number_orders/o"
        ) as info:
            client.get_bulk_order("o")
        assert reason in str(info.value)
        # No pydantic or json traceback is shown under ours.
        assert info.value.__cause__ is None
        assert info.value.__context__ is None or info.value.__suppress_context__

    def test_unreadable_list_is_an_unexpected_response(self, scripted: MakeScripted) -> None:
        """A list endpoint whose data is not a list raises UnexpectedResponseError."""
        client, _ = scripted(httpx.Response(200, json={"data": {"id": "1"}, "meta": {}}))
        with pytest.raises(UnexpectedResponseError, match="'data' is not a list of PhoneNumber"):
            client.list_phone_numbers()

    def test_accepted_job_with_bad_shape_reports_status_202(self, scripted: MakeScripted) -> None:
        """The status in UnexpectedResponseError is the one received."""
        client, _ = scripted(httpx.Response(202, json={"data": {"status": "pending"}}))
        with pytest.raises(UnexpectedResponseError) as info:
            client.create_delete_job(["1"])
        assert info.value.status_code == 202


class TestNoBlindResend:
    def test_create_after_500_raises_server_error_after_one_attempt(
        self, scripted: MakeScripted
    ) -> None:
        """A 500 on create_bulk_order is raised at once: the order may exist."""
        client, script = scripted(
            telnyx_error(500, "10007", "Unexpected error", "boom"), data(ORDER)
        )
        with pytest.raises(ServerError):
            client.create_bulk_order(REQUEST)
        assert len(script.requests) == 1

    @pytest.mark.parametrize(
        ("error", "sent"),
        [
            (httpx.ReadTimeout("timed out"), True),
            (httpx.RemoteProtocolError("Server disconnected"), True),
            (httpx.WriteError("broken pipe"), None),
        ],
        ids=["read-timeout", "cut", "write-error"],
    )
    def test_create_cut_after_sending_is_a_transport_error(
        self, scripted: MakeScripted, error: Exception, sent: bool | None
    ) -> None:
        """A cut or timed-out POST raises TransportError saying it may have been processed."""
        client, script = scripted(error, data(ORDER))
        with pytest.raises(TransportError) as info:
            client.create_bulk_order(REQUEST)
        assert info.value.request_sent is sent
        assert "may have processed it" in str(info.value)
        assert len(script.requests) == 1

    @pytest.mark.parametrize(
        "call",
        [
            lambda c: c.create_delete_job(["1"]),
            lambda c: c.create_update_job(["1"], tags=[]),
            lambda c: c.create_number_order(["+1"]),
            lambda c: c.create_messaging_bulk_update("mp", ["+1"]),
        ],
        ids=["delete-job", "update-job", "number-order", "messaging"],
    )
    def test_other_posts_are_not_resent_after_503(self, scripted: MakeScripted, call: Any) -> None:
        """Every POST follows the same rule as orders."""
        client, script = scripted(httpx.Response(503, json={"errors": []}), data(JOB))
        with pytest.raises(ServerError):
            call(client)
        assert len(script.requests) == 1

    def test_create_is_retried_after_connect_failure(self, scripted: MakeScripted) -> None:
        """A create that never connected is safely sent again."""
        client, script = scripted(httpx.ConnectError("refused"), data(ORDER))
        assert client.create_bulk_order(REQUEST).id == ORDER["id"]
        assert len(script.requests) == 2

    def test_connect_failure_exhausting_retries_says_nothing_was_sent(
        self, scripted: MakeScripted
    ) -> None:
        """TransportError.request_sent is False when no attempt connected."""
        client, _ = scripted(*[httpx.ConnectError("refused")] * 4)
        with pytest.raises(TransportError) as info:
            client.create_bulk_order(REQUEST)
        assert info.value.request_sent is False
        assert "nothing was sent" in str(info.value)

    def test_transport_errors_do_not_chain_the_httpx_request(self, scripted: MakeScripted) -> None:
        """The httpx exception (which holds the auth header) is not kept as cause or context."""
        client, _ = scripted(httpx.ReadTimeout("slow"), policy=RetryPolicy(max_attempts=1))
        with pytest.raises(TransportError) as info:
            client.get_job("j")
        assert info.value.__cause__ is None
        assert info.value.__context__ is None
