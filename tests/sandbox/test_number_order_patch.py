"""PATCH /number_orders/{id}: the customer reference of a number order, and its refusals."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.sandbox.conftest import fetch, group, place


def _number_order_id(api: httpx.Client, reference: str | None = None) -> str:
    settings = {"customer_reference": reference} if reference else {}
    order = fetch(api, place(api, group(2), **settings)["id"])
    order_id: str = order["ordering_groups"][0]["orders"][0]["number_order_id"]
    return order_id


_REQ = str(uuid.UUID(int=7, version=4))


class TestBulkOrderReference:
    def test_number_order_starts_with_the_bulk_reference(self, api: httpx.Client) -> None:
        """A number order a bulk order creates carries the bulk order's customer_reference."""
        order_id = _number_order_id(api, "pool-a")
        data = api.get(f"/number_orders/{order_id}").json()["data"]
        assert data["customer_reference"] == "pool-a"
        listed = api.get("/number_orders", params={"filter[customer_reference]": "pool-a"})
        assert [o["id"] for o in listed.json()["data"]] == [order_id]


class TestPatch:
    def test_sets_the_reference_and_answers_like_get(self, any_api: httpx.Client) -> None:
        """PATCH sets customer_reference and answers {data: NumberOrder} as GET then does."""
        order_id = _number_order_id(any_api, "pool-a")
        response = any_api.patch(
            f"/number_orders/{order_id}", json={"customer_reference": "claimed-by-run-7"}
        )
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["customer_reference"] == "claimed-by-run-7"
        assert data == any_api.get(f"/number_orders/{order_id}").json()["data"]
        assert len(data["phone_numbers"]) == 2
        claimed = any_api.get(
            "/number_orders", params={"filter[customer_reference]": "claimed-by-run-7"}
        ).json()["data"]
        assert [o["id"] for o in claimed] == [order_id]

    def test_empty_body_changes_nothing(self, api: httpx.Client) -> None:
        """A body without members answers the order unchanged."""
        order_id = _number_order_id(api, "pool-a")
        before = api.get(f"/number_orders/{order_id}").json()["data"]
        response = api.patch(f"/number_orders/{order_id}", json={})
        assert (response.status_code, response.json()["data"]) == (200, before)

    def test_unknown_id_is_404(self, api: httpx.Client) -> None:
        """An id that names no number order answers 404 code 10005."""
        response = api.patch(f"/number_orders/{uuid.uuid4()}", json={"customer_reference": "x"})
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "10005"

    @pytest.mark.parametrize(
        ("body", "pointer"),
        [
            ({"customer_reference": 7}, "/customer_reference"),
            ({"regulatory_requirements": "none"}, "/regulatory_requirements"),
            ({"regulatory_requirements": [{"requirement_id": "nope"}]},
             "/regulatory_requirements/0/requirement_id"),
            ({"regulatory_requirements": [{"requirement_id": _REQ, "field_value": 1}]},
             "/regulatory_requirements/0/field_value"),
            ({"regulatory_requirements": [{"requirement_id": _REQ, "field_value": "x"}]},
             "/regulatory_requirements/0/requirement_id"),
        ],
        ids=["reference-not-string", "requirements-not-list", "requirement-id-not-uuid",
             "field-value-not-string", "requirement-not-applicable"],
    )  # fmt: skip
    def test_bad_body_is_422_and_changes_nothing(
        self, api: httpx.Client, body: dict[str, object], pointer: str
    ) -> None:
        """A body that breaks UpdateNumberOrderRequest answers 422 pointing at the member."""
        order_id = _number_order_id(api, "pool-a")
        response = api.patch(f"/number_orders/{order_id}", json=body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["source"]["pointer"] == pointer
        assert api.get(f"/number_orders/{order_id}").json()["data"]["customer_reference"] == (
            "pool-a"
        )

    def test_not_json_is_400(self, api: httpx.Client) -> None:
        """A body that is not a JSON object answers 400, as every other body route does."""
        order_id = _number_order_id(api)
        response = api.patch(f"/number_orders/{order_id}", content=b"[1]")
        assert response.status_code == 400
