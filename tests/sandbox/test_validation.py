"""Malformed requests: a 4xx in Telnyx's envelope that names the field, and no state change."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_bulknumbers.sandbox import Sandbox
from tests.sandbox.conftest import group, place

G = group(1)
BULK = "/inexplicit_number_orders"
COUNT = "/ordering_groups/0/count_requested"


def _bulk(*groups: Any, **top: Any) -> dict[str, Any]:
    return {"json": {"ordering_groups": list(groups), **top}}


# (method, path, request kwargs, status, code, source key, source value)
CASES: list[tuple[str, str, dict[str, Any], int, str, str, str]] = [
    ("POST", BULK, {"content": b"{not json"}, 400, "10015", "pointer", "/"),
    ("POST", BULK, {"content": b"[1, 2]"}, 400, "10015", "pointer", "/"),
    ("POST", BULK, {"content": b""}, 400, "10015", "pointer", "/"),
    ("POST", BULK, {"json": {}}, 422, "10004", "pointer", "/ordering_groups"),
    ("POST", BULK, _bulk(), 422, "10015", "pointer", "/ordering_groups"),
    (
        "POST",
        BULK,
        {"json": {"ordering_groups": "many"}},
        422,
        "10015",
        "pointer",
        "/ordering_groups",
    ),
    ("POST", BULK, _bulk("x"), 422, "10015", "pointer", "/ordering_groups/0"),
    (
        "POST",
        BULK,
        _bulk({"phone_number_type": "local", "count_requested": "1"}),
        422,
        "10004",
        "pointer",
        "/ordering_groups/0/country_iso",
    ),
    (
        "POST",
        BULK,
        _bulk({"country_iso": "US", "phone_number_type": "local"}),
        422,
        "10004",
        "pointer",
        COUNT,
    ),
    (
        "POST",
        BULK,
        _bulk({"country_iso": "US", "count_requested": "1"}),
        422,
        "10004",
        "pointer",
        "/ordering_groups/0/phone_number_type",
    ),
    (
        "POST",
        BULK,
        _bulk(G, group(1, country_iso="GB")),
        422,
        "10015",
        "pointer",
        "/ordering_groups/1/country_iso",
    ),
    ("POST", BULK, _bulk(group("ten")), 422, "10015", "pointer", COUNT),
    ("POST", BULK, _bulk(group(0)), 422, "10015", "pointer", COUNT),
    ("POST", BULK, _bulk(group(-3)), 422, "10015", "pointer", COUNT),
    ("POST", BULK, _bulk(group(1.5)), 422, "10015", "pointer", COUNT),
    ("POST", BULK, _bulk(group(True)), 422, "10015", "pointer", COUNT),
    ("POST", BULK, _bulk(group(10_001)), 422, "10015", "pointer", COUNT),
    ("POST", BULK, _bulk(group(6000), group(5000)), 422, "10015", "pointer", "/ordering_groups"),
    (
        "POST",
        BULK,
        _bulk(group(1, phone_number_type="landline-ish")),
        422,
        "10015",
        "pointer",
        "/ordering_groups/0/phone_number_type",
    ),
    (
        "POST",
        BULK,
        _bulk(group(1, national_destination_code="21a")),
        422,
        "10015",
        "pointer",
        "/ordering_groups/0/national_destination_code",
    ),
    (
        "POST",
        BULK,
        _bulk(group(1, strategy="sometimes")),
        422,
        "10015",
        "pointer",
        "/ordering_groups/0/strategy",
    ),
    (
        "POST",
        BULK,
        _bulk(group(1, features=["telepathy"])),
        422,
        "10015",
        "pointer",
        "/ordering_groups/0/features",
    ),
    (
        "POST",
        BULK,
        _bulk(group(1, phone_number={"contains": "12x"})),
        422,
        "10015",
        "pointer",
        "/ordering_groups/0/phone_number/contains",
    ),
    (
        "POST",
        BULK,
        _bulk(group(1, quickship="yes")),
        422,
        "10015",
        "pointer",
        "/ordering_groups/0/quickship",
    ),
    ("POST", BULK, _bulk(G, connection_id=42), 422, "10015", "pointer", "/connection_id"),
    ("GET", BULK, {"params": {"page_size": 251}}, 422, "10015", "parameter", "page_size"),
    ("GET", BULK, {"params": {"page_number": 0}}, 422, "10015", "parameter", "page_number"),
    (
        "GET",
        "/phone_numbers",
        {"params": {"page[size]": "lots"}},
        422,
        "10015",
        "parameter",
        "page[size]",
    ),
    (
        "GET",
        "/number_orders",
        {"params": {"page[number]": "0"}},
        422,
        "10015",
        "parameter",
        "page[number]",
    ),
    (
        "GET",
        "/phone_numbers",
        {"params": {"filter[status]": "happy"}},
        422,
        "10015",
        "parameter",
        "filter[status]",
    ),
    ("GET", "/phone_numbers", {"params": {"sort": "random"}}, 422, "10015", "parameter", "sort"),
    ("GET", f"{BULK}/not-a-uuid", {}, 400, "10006", "parameter", "id"),
    ("GET", f"{BULK}/6f1f9b84-0c8c-4b1e-9a4e-2f3a8a1b2c3d", {}, 404, "10005", "pointer", "/id"),
    ("GET", "/phone_numbers/12ab", {}, 400, "10006", "parameter", "id"),
    ("DELETE", "/phone_numbers/999", {}, 404, "10005", "pointer", "/id"),
    ("PATCH", "/phone_numbers/{id}", {"json": {"tags": "vip"}}, 422, "10015", "pointer", "/tags"),
    (
        "POST",
        "/phone_numbers/jobs/delete_phone_numbers",
        {"json": {}},
        422,
        "10015",
        "pointer",
        "/phone_numbers",
    ),
    (
        "POST",
        "/phone_numbers/jobs/delete_phone_numbers",
        {"json": {"phone_numbers": []}},
        422,
        "10015",
        "pointer",
        "/phone_numbers",
    ),
    (
        "POST",
        "/phone_numbers/jobs/delete_phone_numbers",
        {"json": {"phone_numbers": [str(n) for n in range(1001)]}},
        422,
        "10015",
        "pointer",
        "/phone_numbers",
    ),
    (
        "POST",
        "/phone_numbers/jobs/delete_phone_numbers",
        {"json": {"phone_numbers": ["{id}", "+12125550100"]}},
        422,
        "10015",
        "pointer",
        "/phone_numbers",
    ),
    (
        "POST",
        "/phone_numbers/jobs/delete_phone_numbers",
        {"json": {"phone_numbers": ["+12025550123"]}},
        422,
        "10015",
        "pointer",
        "/phone_numbers",
    ),
    (
        "POST",
        "/phone_numbers/jobs/update_phone_numbers",
        {"json": {"phone_numbers": ["{id}"]}},
        422,
        "10015",
        "pointer",
        "/updateable_fields",
    ),
    (
        "POST",
        "/number_orders",
        {"json": {"phone_numbers": [{"phone_number": "2125550100"}]}},
        422,
        "10016",
        "pointer",
        "/phone_numbers/0/phone_number",
    ),
    (
        "POST",
        "/messaging_numbers_bulk_updates",
        {"json": {"numbers": ["+12125550100"]}},
        422,
        "10004",
        "pointer",
        "/messaging_profile_id",
    ),
    ("GET", "/inventory_coverage", {}, 422, "10004", "parameter", "filter[groupBy]"),
    (
        "GET",
        "/inventory_coverage",
        {"params": {"filter[groupBy]": "planet"}},
        422,
        "10015",
        "parameter",
        "filter[groupBy]",
    ),
    (
        "GET",
        "/available_phone_numbers",
        {"params": {"filter[limit]": "1000"}},
        422,
        "10015",
        "parameter",
        "filter[limit]",
    ),
]


class TestMalformedRequests:
    @pytest.mark.parametrize(
        ("method", "path", "kwargs", "status", "code", "key", "where"),
        CASES,
        ids=[f"{c[0]} {c[1]} {c[6]} {i}" for i, c in enumerate(CASES)],
    )
    def test_rejected_without_change(
        self,
        api: httpx.Client,
        sandbox: Sandbox,
        method: str,
        path: str,
        kwargs: dict[str, Any],
        status: int,
        code: str,
        key: str,
        where: str,
    ) -> None:
        """The answer is the envelope with the code and source, and the state is untouched."""
        place(api, group(2))
        number_id = api.get("/phone_numbers").json()["data"][0]["id"]
        kwargs = _with_id(kwargs, number_id)
        before = sandbox.dump()
        response = api.request(method, path.replace("{id}", number_id), **kwargs)
        assert response.status_code == status, response.text
        errors = response.json()["errors"]
        assert any(e["code"] == code and e["source"].get(key) == where for e in errors), errors
        assert all(e["title"] and e["detail"] for e in errors)
        assert sandbox.dump() == before


def _with_id(kwargs: dict[str, Any], number_id: str) -> dict[str, Any]:
    body = kwargs.get("json")
    if isinstance(body, dict) and "{id}" in body.get("phone_numbers", []):
        return {
            "json": {
                **body,
                "phone_numbers": [number_id if n == "{id}" else n for n in body["phone_numbers"]],
            }
        }
    return kwargs


class TestErrorShape:
    def test_every_problem_reported_at_once(self, api: httpx.Client) -> None:
        """All bad fields of a body come back together, each with its own pointer."""
        bad = {"ordering_groups": [group(0, country_iso="MX"), {"country_iso": "US"}]}
        errors = api.post(BULK, json=bad).json()["errors"]
        pointers = {e["source"]["pointer"] for e in errors}
        assert pointers >= {
            "/ordering_groups/0/country_iso",
            "/ordering_groups/0/count_requested",
            "/ordering_groups/1/count_requested",
            "/ordering_groups/1/phone_number_type",
        }

    def test_codes_are_strings_with_doc_links(self, api: httpx.Client) -> None:
        """Codes are strings and meta.url points at Telnyx's page for the code."""
        error = api.post(BULK, json={}).json()["errors"][0]
        assert error["code"] == "10004"
        assert error["meta"]["url"].endswith("/10004")
