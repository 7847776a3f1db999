"""Fixtures of the sandbox tests: a raw httpx client on the sandbox, in-process or on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_bulknumbers.sandbox import Sandbox, serve

AUTH = {"Authorization": "Bearer test-key"}


@pytest.fixture(name="api")
def _api(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(
        transport=sandbox.transport(), base_url="https://api.telnyx.com/v2", headers=AUTH
    ) as client:
        yield client


@pytest.fixture(name="any_api", params=["in-process", "loopback"])
def _any_api(request: pytest.FixtureRequest, sandbox: Sandbox) -> Iterator[httpx.Client]:
    if request.param == "in-process":
        with httpx.Client(
            transport=sandbox.transport(), base_url="https://api.telnyx.com/v2", headers=AUTH
        ) as client:
            yield client
    else:
        with serve(sandbox) as server, httpx.Client(base_url=server.base_url, headers=AUTH) as c:
            yield c


def group(count: int | str = 1, **extra: Any) -> dict[str, Any]:
    """An ordering group: US local unless ``extra`` says otherwise."""
    return {"country_iso": "US", "phone_number_type": "local", "count_requested": count, **extra}


def place(api: httpx.Client, *groups: dict[str, Any], **settings: Any) -> dict[str, Any]:
    """POST a bulk order and return its data."""
    response = api.post(
        "/inexplicit_number_orders", json={"ordering_groups": list(groups), **settings}
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def fetch(api: httpx.Client, order_id: str) -> dict[str, Any]:
    """GET a bulk order's data."""
    response = api.get(f"/inexplicit_number_orders/{order_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def numbers_of(api: httpx.Client, order: dict[str, Any]) -> list[str]:
    """Every E.164 bought by a completed bulk order, through its number orders."""
    found = []
    for g in order["ordering_groups"]:
        for o in g["orders"]:
            data = api.get(f"/number_orders/{o['number_order_id']}").json()["data"]
            found += [n["phone_number"] for n in data["phone_numbers"]]
    return sorted(found)
