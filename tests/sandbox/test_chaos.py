"""Every fault kind, scripted, through the sandbox's HTTP layer (in-process and on loopback)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from pulumi_bulknumbers.sandbox import FakeClock, Sandbox
from tests.sandbox.conftest import fetch, group, place

BULK = "/inexplicit_number_orders"


def _post_order(api: httpx.Client) -> httpx.Response:
    return api.post(BULK, json={"ordering_groups": [group(1)]})


def _job(api: httpx.Client, job_id: str) -> dict[str, Any]:
    data: dict[str, Any] = api.get(f"/phone_numbers/jobs/{job_id}").json()["data"]
    return data


class TestRateLimitStorm:
    def test_a_run_of_429s_on_every_path(self, any_api: httpx.Client, sandbox: Sandbox) -> None:
        """A storm answers 429 with x-ratelimit-* and Retry-After to every request for its
        length, processing none; then answers resume."""
        sandbox.inject_fault("rate_limit_storm", length=3, retry_after=2)
        storm = [any_api.get("/phone_numbers"), _post_order(any_api), any_api.get(BULK)]
        for response in storm:
            assert response.status_code == 429
            assert response.json()["errors"][0]["code"] == "10011"
            assert response.headers["x-ratelimit-remaining"] == "0"
            assert response.headers["x-ratelimit-limit"] == "100"
            assert response.headers["x-ratelimit-reset"] == "2"
            assert response.headers["retry-after"] == "2"
        assert any_api.get(BULK).json()["meta"]["total_results"] == 0
        assert sandbox.fault_counts() == {"rate_limit_storm": 3}

    def test_timed_storm_lasts_seconds_of_the_clock(
        self, api: httpx.Client, sandbox: Sandbox, fake_clock: FakeClock
    ) -> None:
        """A storm of S seconds refuses everything until the clock passes S, counting down."""
        sandbox.inject_fault("rate_limit_storm", seconds=5)
        first = api.get("/phone_numbers")
        fake_clock.advance(3)
        second = api.get("/phone_numbers")
        assert [first.status_code, second.status_code] == [429, 429]
        assert [first.headers["retry-after"], second.headers["retry-after"]] == ["5", "2"]
        fake_clock.advance(2)
        assert api.get("/phone_numbers").status_code == 200

    def test_seeded_length(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """Without a length, a storm lasts a seeded 3 to 8 requests."""
        sandbox.inject_fault("rate_limit_storm")
        statuses = [api.get("/phone_numbers").status_code for _ in range(10)]
        refused = statuses.index(200)
        assert 3 <= refused <= 8
        assert statuses == [429] * refused + [200] * (10 - refused)

    def test_storm_reports_the_configured_limit(self, fake_clock: FakeClock) -> None:
        """With a rate limit configured, a storm's x-ratelimit-limit is that limit."""
        with Sandbox(rate_limit=50, clock=fake_clock.now, sleep=fake_clock.sleep) as sb:
            sb.inject_fault("rate_limit_storm", length=1)
            with httpx.Client(transport=sb.transport(), base_url="https://x/v2") as api:
                response = api.get("/phone_numbers", headers={"Authorization": "Bearer k"})
        assert response.headers["x-ratelimit-limit"] == "50"


class TestServerBurst:
    def test_a_run_of_5xx(self, any_api: httpx.Client, sandbox: Sandbox) -> None:
        """A burst answers 500/502/503 envelopes for its length without processing anything."""
        sandbox.inject_fault("server_burst", length=6)
        burst = [_post_order(any_api) for _ in range(6)]
        assert {r.status_code for r in burst} <= {500, 502, 503}
        assert all(r.json()["errors"][0]["code"] == "10007" for r in burst)
        assert any_api.get(BULK).json()["meta"]["total_results"] == 0
        assert sandbox.fault_counts() == {"server_burst": 6}

    def test_fixed_status_and_seeded_length(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """A given status is used throughout; without a length a burst lasts 2 to 4 requests."""
        sandbox.inject_fault("server_burst", status=503)
        statuses = [api.get("/phone_numbers").status_code for _ in range(6)]
        failed = statuses.index(200)
        assert 2 <= failed <= 4
        assert statuses == [503] * failed + [200] * (6 - failed)


class TestSlow:
    def test_delay_then_normal_answer(
        self, api: httpx.Client, sandbox: Sandbox, fake_clock: FakeClock
    ) -> None:
        """A slow fault sleeps (through the injected sleep) and then answers normally."""
        sandbox.inject_fault("slow", delay=1.5)
        response = _post_order(api)
        assert response.status_code == 200
        assert fake_clock.sleeps == [1.5]
        assert sandbox.calls[-1].fault == "slow"

    def test_seeded_delay(self, api: httpx.Client, sandbox: Sandbox, fake_clock: FakeClock) -> None:
        """Without a delay, it is drawn between 0.2 and 2 seconds."""
        sandbox.inject_fault("slow", times=5)
        for _ in range(5):
            assert api.get("/phone_numbers").status_code == 200
        assert len(fake_clock.sleeps) == 5
        assert all(0.2 <= s <= 2.0 for s in fake_clock.sleeps)


class TestMalformedAnswers:
    def test_html_502(self, any_api: httpx.Client, sandbox: Sandbox) -> None:
        """html_502 answers a text/html proxy page, and the order is not placed."""
        sandbox.inject_fault("html_502", method="POST")
        response = _post_order(any_api)
        assert response.status_code == 502
        assert response.headers["content-type"].startswith("text/html")
        assert "502 Bad Gateway" in response.text
        with pytest.raises(json.JSONDecodeError):
            response.json()
        assert any_api.get(BULK).json()["meta"]["total_results"] == 0
        call = sandbox.calls[0]
        assert (call.fault, call.malformed, call.response_json) == ("html_502", True, None)
        assert call.response_text == response.text

    def test_garbage(self, any_api: httpx.Client, sandbox: Sandbox) -> None:
        """garbage answers 200 with JSON cut short; the order behind it was placed."""
        sandbox.inject_fault("garbage", method="POST")
        response = _post_order(any_api)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        with pytest.raises(json.JSONDecodeError):
            response.json()
        assert response.text.startswith("{")  # the real answer, cut short
        assert any_api.get(BULK).json()["meta"]["total_results"] == 1
        assert sandbox.calls[0].malformed


class TestBulkOrderDistortions:
    def test_overallocate(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """overallocate shows a group with more allocated than requested, only on a bulk-order
        GET (other requests pass it by), once."""
        order_id = place(api, group(2), group(3))["id"]
        sandbox.inject_fault("overallocate")
        assert api.get("/phone_numbers").status_code == 200
        shown = fetch(api, order_id)
        over = [g for g in shown["ordering_groups"] if g["count_allocated"] > g["count_requested"]]
        assert len(over) == 1
        assert over[0]["count_allocated"] - over[0]["count_requested"] in (1, 2, 3)
        real = fetch(api, order_id)
        assert all(g["count_allocated"] == g["count_requested"] for g in real["ordering_groups"])
        assert sandbox.fault_counts() == {"overallocate": 1}

    def test_wrong_id(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """wrong_id answers a bulk-order GET with another, well-formed order id."""
        order_id = place(api, group(1))["id"]
        sandbox.inject_fault("wrong_id")
        other = fetch(api, order_id)["id"]
        assert other != order_id
        assert str(uuid.UUID(other)) == other
        assert fetch(api, order_id)["id"] == order_id

    def test_not_struck_on_a_missing_order(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """A 404 has no order to distort: answered as is, recorded without a fault."""
        sandbox.inject_fault("wrong_id")
        assert api.get(f"{BULK}/{uuid.uuid4()}").status_code == 404
        assert sandbox.fault_counts() == {}


class TestJobPartialFailure:
    def _numbers(self, api: httpx.Client, count: int) -> list[str]:
        fetch(api, place(api, group(count))["id"])
        numbers = api.get("/phone_numbers", params={"page[size]": 250}).json()["data"]
        return sorted(n["phone_number"] for n in numbers)

    def test_delete_fails_a_subset_that_a_later_job_deletes(
        self, api: httpx.Client, sandbox: Sandbox
    ) -> None:
        """Some numbers of the job fail with a transient error and stay owned; the others are
        deleted; a new job for the failed ones succeeds."""
        numbers = self._numbers(api, 6)
        sandbox.inject_fault("job_partial_failure")
        created = api.post(
            "/phone_numbers/jobs/delete_phone_numbers", json={"phone_numbers": numbers}
        )
        assert created.status_code == 202
        job = _job(api, created.json()["data"]["id"])
        failed = sorted(op["phone_number"] for op in job["failed_operations"])
        assert 1 <= len(failed) <= 3
        assert len(job["successful_operations"]) == 6 - len(failed)
        assert job["status"] == "completed"
        error = job["failed_operations"][0]["errors"][0]
        assert (error["code"], error["title"]) == ("10007", "Unexpected error")
        assert sandbox.owned_numbers() == failed
        retry = api.post("/phone_numbers/jobs/delete_phone_numbers", json={"phone_numbers": failed})
        assert _job(api, retry.json()["data"]["id"])["failed_operations"] == []
        assert sandbox.owned_numbers() == []
        assert sandbox.fault_counts() == {"job_partial_failure": 1}

    def test_update_leaves_failed_numbers_unchanged(
        self, api: httpx.Client, sandbox: Sandbox
    ) -> None:
        """In an update job the failed numbers keep their old settings."""
        numbers = self._numbers(api, 4)
        sandbox.inject_fault("job_partial_failure", path="update")
        created = api.post(
            "/phone_numbers/jobs/update_phone_numbers",
            json={"phone_numbers": numbers, "customer_reference": "new"},
        )
        job = _job(api, created.json()["data"]["id"])
        failed = {op["phone_number"] for op in job["failed_operations"]}
        assert failed
        listed = api.get("/phone_numbers", params={"page[size]": 250}).json()["data"]
        for number in listed:
            expected = None if number["phone_number"] in failed else "new"
            assert number.get("customer_reference") == expected

    def test_a_single_number_job_fails_whole(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """A job of one number can only fail that number: the job reports failed."""
        numbers = self._numbers(api, 1)
        sandbox.inject_fault("job_partial_failure")
        created = api.post(
            "/phone_numbers/jobs/delete_phone_numbers", json={"phone_numbers": numbers}
        )
        assert _job(api, created.json()["data"]["id"])["status"] == "failed"
        assert sandbox.owned_numbers() == numbers

    def test_a_refused_job_is_not_struck(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """A job the sandbox refuses (422) is recorded without a fault; the scripted fault is
        spent on it all the same (it matched), so the next job is whole."""
        numbers = self._numbers(api, 2)
        sandbox.inject_fault("job_partial_failure")
        refused = api.post("/phone_numbers/jobs/delete_phone_numbers", json={})
        assert refused.status_code == 422
        created = api.post(
            "/phone_numbers/jobs/delete_phone_numbers", json={"phone_numbers": numbers}
        )
        assert _job(api, created.json()["data"]["id"])["failed_operations"] == []
        assert sandbox.fault_counts() == {}


class TestScripting:
    @pytest.mark.parametrize(
        ("kind", "options"),
        [("nonsense", {}), ("error", {"length": 2}), ("cut", {"delay": 1.0}),
         ("server_burst", {"length": 0}), ("rate_limit_storm", {"seconds": -1.0})],
        ids=["unknown-kind", "length-on-error", "delay-on-cut", "empty-burst", "negative-storm"],
    )  # fmt: skip
    def test_rejects_nonsense(self, sandbox: Sandbox, kind: str, options: dict[str, Any]) -> None:
        """Unknown kinds and details that do not fit the kind are refused at once."""
        with pytest.raises(ValueError, match=r"fault|run|length|delay"):
            sandbox.inject_fault(kind, **options)  # type: ignore[arg-type]

    def test_counts_by_kind(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """fault_counts sums the recorded calls by the kind that struck them."""
        sandbox.inject_fault("error", times=2)
        sandbox.inject_fault("slow", delay=0.5)
        for _ in range(4):
            api.get("/phone_numbers")
        assert sandbox.fault_counts() == {"error": 2, "slow": 1}
        assert [c.fault for c in sandbox.calls] == ["error", "error", "slow", None]
