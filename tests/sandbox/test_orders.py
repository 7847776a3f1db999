"""Bulk orders: creation, progression over time, allocation, strategies, scarcity."""

from __future__ import annotations

import time

import httpx
import pytest

from pulumi_bulknumbers.sandbox import FakeClock, Sandbox
from tests.openapi_contract import assert_calls_match_spec
from tests.sandbox.conftest import fetch, group, numbers_of, place


class TestCreate:
    def test_post_answers_pending_groups(self, api: httpx.Client) -> None:
        """POST answers 200 with every group pending, nothing allocated, no orders."""
        data = place(
            api, group("2"), group(3, phone_number_type="toll_free"), customer_reference="r"
        )
        assert [g["status"] for g in data["ordering_groups"]] == ["pending", "pending"]
        assert [g["count_allocated"] for g in data["ordering_groups"]] == [0, 0]
        assert all(g["orders"] == [] for g in data["ordering_groups"])
        assert data["customer_reference"] == "r"

    def test_count_echoed_as_integer(self, api: httpx.Client) -> None:
        """A decimal-string count_requested comes back as an integer."""
        data = place(api, group("7"))
        assert data["ordering_groups"][0]["count_requested"] == 7

    def test_flattened_pattern_keys_and_no_locality_or_features(self, api: httpx.Client) -> None:
        """Groups echo phone_number[...] flattened and never echo locality or features."""
        g = place(
            api, group(1, phone_number={"starts_with": "21"}, locality="Boston", features=["sms"])
        )["ordering_groups"][0]
        assert g["phone_number[starts_with]"] == "21"
        assert not {"phone_number", "locality", "features"} & g.keys()


class TestProgression:
    @pytest.fixture(name="slow")
    def _slow(self, fake_clock: FakeClock) -> Sandbox:
        return Sandbox(processing_seconds=10, clock=fake_clock.now, sleep=fake_clock.sleep)

    def test_groups_progress_independently(self, slow: Sandbox, fake_clock: FakeClock) -> None:
        """Group i of n is processing after 20% of its time and done at (i+1)/n of it."""
        with (
            slow,
            httpx.Client(
                transport=slow.transport(),
                base_url="https://x/v2",
                headers={"Authorization": "Bearer k"},
            ) as api,
        ):
            order = place(api, group(1), group(1))
            seen = []
            for step in (0.5, 1.0, 3.0, 1.0):
                fake_clock.advance(step)
                seen.append([g["status"] for g in fetch(api, order["id"])["ordering_groups"]])
            assert seen == [
                ["pending", "pending"],
                ["processing", "pending"],
                ["processing", "processing"],
                ["success", "processing"],
            ]
            fake_clock.advance(5)
            assert [g["status"] for g in fetch(api, order["id"])["ordering_groups"]] == [
                "success"
            ] * 2
            assert_calls_match_spec(slow.calls)

    def test_zero_processing_completes_at_next_read(self, api: httpx.Client) -> None:
        """With processing_seconds=0 the order is done at the next read, no time needed."""
        order = place(api, group(1))
        assert fetch(api, order["id"])["ordering_groups"][0]["status"] == "success"


class TestFulfilment:
    def test_single_number(self, api: httpx.Client) -> None:
        """A one-number order yields one number order, one sub order and one active number."""
        settings = {"connection_id": "c1", "messaging_profile_id": "m1", "billing_group_id": "b1"}
        order = fetch(api, place(api, group(1), customer_reference="ref", **settings)["id"])
        g = order["ordering_groups"][0]
        assert (g["status"], g["count_allocated"]) == ("success", 1)
        (entry,) = g["orders"]
        assert len(entry["sub_number_order_ids"]) == 1
        nord = api.get(f"/number_orders/{entry['number_order_id']}").json()["data"]
        assert nord["sub_number_orders_ids"] == entry["sub_number_order_ids"]
        number = nord["phone_numbers"][0]["phone_number"]
        pn = api.get("/phone_numbers", params={"filter[phone_number]": number}).json()["data"][0]
        assert pn["id"].isdigit()
        assert pn["phone_number"] == number
        assert (pn["status"], pn["source_type"], pn["tags"], pn["deletion_lock_enabled"]) == (
            "active",
            "number_order",
            [],
            False,
        )
        assert (
            pn["connection_id"],
            pn["messaging_profile_id"],
            pn["billing_group_id"],
            pn["customer_reference"],
        ) == ("c1", "m1", "b1", "ref")

    def test_ten_thousand_numbers_quickly(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """10,000 US local numbers with no area code complete in well under a few seconds."""
        order = place(api, group("10000"))
        started = time.perf_counter()
        g = fetch(api, order["id"])["ordering_groups"][0]
        assert time.perf_counter() - started < 3.0
        assert (g["status"], g["count_allocated"]) == ("success", 10_000)
        assert len(g["orders"]) == 10
        owned = sandbox.owned_numbers()
        assert len(owned) == len(set(owned)) == 10_000

    def test_criteria_are_honoured(self, api: httpx.Client) -> None:
        """Area code, state, pattern and features all constrain what is bought."""
        order = place(
            api,
            group(3, national_destination_code="415", phone_number={"ends_with": "7"}),
            group(2, administrative_area="TX", features=["sms", "mms"]),
        )
        bought = numbers_of(api, fetch(api, order["id"]))
        sf = [n for n in bought if n.startswith("+1415")]
        assert len(sf) == 3
        assert all(n.endswith("7") for n in sf)
        texas = [n for n in bought if n[2:5] in {"210", "214", "512", "713"}]
        assert len(texas) == 2

    def test_no_number_sold_twice(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """Successive orders in one area code never get the same number."""
        for _ in range(3):
            place(api, group(50, national_destination_code="212"))
        owned = sandbox.owned_numbers()
        assert len(owned) == len(set(owned)) == 150


class TestScarcity:
    def test_always_takes_what_there_is(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """Under 'always' a short area code gives partial_success with what was available."""
        sandbox.set_inventory("US", "local", "212", available=3)
        g = fetch(api, place(api, group(5, national_destination_code="212"))["id"])[
            "ordering_groups"
        ][0]
        assert (g["status"], g["count_allocated"]) == ("partial_success", 3)
        assert "3 of 5" in g["error_reason"]

    def test_never_buys_nothing(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """Under 'never' a shortfall fails the group and buys nothing."""
        sandbox.set_inventory("US", "local", "212", available=3)
        order = place(api, group(5, national_destination_code="212", strategy="never"))
        g = fetch(api, order["id"])["ordering_groups"][0]
        assert (g["status"], g["count_allocated"], g["orders"]) == ("failed", 0, [])
        assert "Insufficient inventory" in g["error_reason"]
        assert sandbox.owned_numbers() == []

    def test_always_with_nothing_fails(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """Under 'always' an empty scope fails with an error_reason."""
        sandbox.set_inventory("CA", "local", administrative_area="ON", available=0)
        g = fetch(api, place(api, group(2, country_iso="CA", administrative_area="ON"))["id"])
        assert g["ordering_groups"][0]["status"] == "failed"
        assert g["ordering_groups"][0]["error_reason"]

    def test_cap_is_consumed(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """A cap counts down: the next order finds only what is left."""
        sandbox.set_inventory("US", "toll_free", available=4)
        first = place(api, group(3, phone_number_type="toll_free"))
        second = place(api, group(3, phone_number_type="toll_free"))
        counts = [
            fetch(api, o["id"])["ordering_groups"][0]["count_allocated"] for o in (first, second)
        ]
        assert counts == [3, 1]

    def test_lifting_the_cap(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """available=None restores the full inventory."""
        sandbox.set_inventory("US", "local", "212", available=0)
        sandbox.set_inventory("US", "local", "212", available=None)
        g = fetch(api, place(api, group(2, national_destination_code="212"))["id"])
        assert g["ordering_groups"][0]["status"] == "success"


class TestLists:
    def test_flat_pagination_newest_first(self, api: httpx.Client) -> None:
        """The bulk-order list pages with page_number/page_size, newest first."""
        ids = [place(api, group(1))["id"] for _ in range(3)]
        page = api.get(
            "/inexplicit_number_orders", params={"page_number": 1, "page_size": 2}
        ).json()
        assert [o["id"] for o in page["data"]] == ids[::-1][:2]
        assert page["meta"] == {
            "page_number": 1,
            "page_size": 2,
            "total_pages": 2,
            "total_results": 3,
        }

    def test_number_order_filters(self, api: httpx.Client) -> None:
        """Number orders filter by customer_reference and status, with page[...] paging."""
        place(api, group(1), customer_reference="a")
        place(api, group(1), customer_reference="b")
        api.get("/phone_numbers")  # a read completes both orders
        found = api.get(
            "/number_orders",
            params={"filter[customer_reference]": "a", "filter[status]": "success"},
        ).json()
        assert [o["customer_reference"] for o in found["data"]] == ["a"]
        assert found["data"][0]["phone_numbers"][0].keys() == {"id", "phone_number"}

    def test_sub_orders_by_parent(self, api: httpx.Client) -> None:
        """Sub orders list by order_request_id and show their numbers on request."""
        order = fetch(api, place(api, group(2))["id"])
        entry = order["ordering_groups"][0]["orders"][0]
        parent = {"filter[order_request_id]": entry["number_order_id"]}
        subs = api.get("/sub_number_orders", params=parent).json()
        assert [s["id"] for s in subs["data"]] == entry["sub_number_order_ids"]
        one = api.get(
            f"/sub_number_orders/{subs['data'][0]['id']}",
            params={"filter[include_phone_numbers]": "true"},
        ).json()["data"]
        assert one["phone_numbers_count"] == 2
        assert len(one["phone_numbers"]) == 2


class TestExplicitOrders:
    def test_search_then_order(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """Numbers found by search can be ordered; the order is pending, then success."""
        found = api.get(
            "/available_phone_numbers",
            params={"filter[national_destination_code]": "303", "filter[limit]": 2},
        ).json()
        wanted = [n["phone_number"] for n in found["data"]]
        body = {"phone_numbers": [{"phone_number": n} for n in wanted], "connection_id": "c"}
        created = api.post("/number_orders", json=body)
        data = created.json()["data"]
        assert (created.status_code, data["status"]) == (200, "pending")
        assert api.get(f"/number_orders/{data['id']}").json()["data"]["status"] == "success"
        assert sandbox.owned_numbers() == sorted(wanted)

    def test_sold_number_is_unavailable(self, api: httpx.Client) -> None:
        """Ordering a number twice is refused with a pointer to it."""
        number = api.get("/available_phone_numbers").json()["data"][0]["phone_number"]
        assert (
            api.post(
                "/number_orders", json={"phone_numbers": [{"phone_number": number}]}
            ).status_code
            == 200
        )
        again = api.post("/number_orders", json={"phone_numbers": [{"phone_number": number}]})
        assert again.status_code == 422
        assert again.json()["errors"][0]["source"]["pointer"] == "/phone_numbers/0/phone_number"
