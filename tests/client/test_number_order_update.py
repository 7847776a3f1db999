"""update_number_order: PATCH /number_orders/{id} with the spec's UpdateNumberOrderRequest."""

from __future__ import annotations

import json

import httpx
import pytest

from pulumi_bulknumbers.errors import NotFoundError, UsageError
from tests.client.conftest import MakeScripted
from tests.client.helpers import data, telnyx_error
from tests.openapi_contract import spec

ORDER_ID = "12ade33a-21c0-473b-b055-b3c836e1c292"
NUMBER_ORDER = {
    "id": ORDER_ID,
    "record_type": "number_order",
    "status": "success",
    "customer_reference": "pool-b",
    "phone_numbers": [{"id": "x", "phone_number": "+12125550100", "status": "success"}],
}


class TestUpdateNumberOrder:
    def test_patches_the_order_with_only_the_reference(self, scripted: MakeScripted) -> None:
        """The body holds exactly customer_reference, a field of UpdateNumberOrderRequest."""
        client, script = scripted(data(NUMBER_ORDER))
        order = client.update_number_order(ORDER_ID, customer_reference="pool-b")
        (request,) = script.requests
        body = json.loads(request.content)
        assert (request.method, request.url.path) == ("PATCH", f"/v2/number_orders/{ORDER_ID}")
        assert body == {"customer_reference": "pool-b"}
        declared = spec()["components"]["schemas"]["UpdateNumberOrderRequest"]["properties"]
        assert set(body) <= set(declared)
        assert (order.id, order.customer_reference) == (ORDER_ID, "pool-b")

    def test_an_empty_reference_is_sent(self, scripted: MakeScripted) -> None:
        """An empty string is a value (clearing the reference), not a missing argument."""
        client, script = scripted(data(NUMBER_ORDER | {"customer_reference": ""}))
        client.update_number_order(ORDER_ID, customer_reference="")
        assert json.loads(script.requests[0].content) == {"customer_reference": ""}

    def test_the_id_is_one_quoted_path_segment(self, scripted: MakeScripted) -> None:
        """An id cannot climb out of /number_orders/."""
        client, script = scripted(data(NUMBER_ORDER | {"id": "a/../b"}))
        client.update_number_order("a/../b", customer_reference="r")
        assert script.requests[0].url.raw_path == b"/v2/number_orders/a%2F..%2Fb"

    @pytest.mark.parametrize(
        ("args", "kwargs"),
        [
            (("",), {"customer_reference": "r"}),
            ((ORDER_ID,), {}),
            ((ORDER_ID,), {"customer_reference": 5}),
        ],
        ids=["empty-id", "nothing-to-change", "not-a-string"],
    )
    def test_misuse_fails_before_any_request(
        self, scripted: MakeScripted, args: tuple[str], kwargs: dict[str, object]
    ) -> None:
        """Usage errors are raised locally and nothing is sent."""
        client, script = scripted()
        with pytest.raises(UsageError):
            client.update_number_order(*args, **kwargs)  # type: ignore[arg-type]
        assert script.requests == []

    def test_a_patch_is_retried_after_a_5xx(self, scripted: MakeScripted) -> None:
        """Setting a reference twice is harmless, so a 503 is retried."""
        client, script = scripted(httpx.Response(503), data(NUMBER_ORDER))
        assert client.update_number_order(ORDER_ID, customer_reference="pool-b").id == ORDER_ID
        assert len(script.requests) == 2

    def test_unknown_order_is_not_found(self, scripted: MakeScripted) -> None:
        """A 404 is the usual NotFoundError naming the path."""
        client, _ = scripted(telnyx_error(404, "10005", "Resource not found", "no such order"))
        with pytest.raises(NotFoundError, match=f"PATCH /v2/number_orders/{ORDER_ID}"):
            client.update_number_order(ORDER_ID, customer_reference="r")
