"""The HTTP face: auth, routing errors, call log, latency, rate limits and faults."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from pulumi_bulknumbers.sandbox import FakeClock, Sandbox
from tests.openapi_contract import assert_calls_match_spec
from tests.sandbox.conftest import AUTH, group, place


def _client(sb: Sandbox, headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(
        transport=sb.transport(),
        base_url="https://x/v2",
        headers=AUTH if headers is None else headers,
    )


@pytest.fixture(name="make")
def _make(fake_clock: FakeClock) -> Iterator[Callable[..., Sandbox]]:
    made: list[Sandbox] = []

    def make(**options: object) -> Sandbox:
        sb = Sandbox(clock=fake_clock.now, sleep=fake_clock.sleep, **options)  # type: ignore[arg-type]
        made.append(sb)
        return sb

    yield make
    for sb in made:
        assert_calls_match_spec(sb.calls)
        sb.close()


class TestAuth:
    @pytest.mark.parametrize(
        "headers",
        [{}, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"}, {"Authorization": "k"}],
        ids=["missing", "empty", "basic", "no-scheme"],
    )
    def test_bad_credentials(self, sandbox: Sandbox, headers: dict[str, str]) -> None:
        """Missing or malformed bearer keys get 401 code 10009."""
        with _client(sandbox, headers) as api:
            response = api.get("/phone_numbers")
        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "10009"

    def test_fixed_key(self, make: Callable[..., Sandbox]) -> None:
        """With api_key set only that key is accepted."""
        sb = make(api_key="right")
        with _client(sb, {"Authorization": "Bearer wrong"}) as api:
            assert api.get("/phone_numbers").status_code == 401
        with _client(sb, {"Authorization": "Bearer right"}) as api:
            assert api.get("/phone_numbers").status_code == 200


class TestRouting:
    def test_unknown_route_names_the_path(self, api: httpx.Client) -> None:
        """An unknown path answers a 404 envelope naming it."""
        response = api.get("/phone_numberz/1")
        assert response.status_code == 404
        assert "/v2/phone_numberz/1" in response.json()["errors"][0]["detail"]

    def test_outside_v2(self, sandbox: Sandbox) -> None:
        """A path outside /v2 is unknown too."""
        with httpx.Client(transport=sandbox.transport(), headers=AUTH) as api:
            response = api.get("https://x/v1/phone_numbers")
        assert response.status_code == 404
        assert "/v1/phone_numbers" in response.json()["errors"][0]["detail"]

    def test_wrong_method(self, api: httpx.Client) -> None:
        """A known path with an unsupported method answers 405 with Allow."""
        response = api.put("/inexplicit_number_orders")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, POST"
        assert response.json()["errors"][0]["title"] == "Method not allowed"


class TestCallLog:
    def test_calls_are_recorded(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """Each call keeps method, path, query, status, request and response bodies."""
        place(api, group("1"))
        api.get("/phone_numbers", params={"page[size]": "5"})
        post, get = sandbox.calls
        assert (post.method, post.path, post.status) == (
            "POST",
            "/v2/inexplicit_number_orders",
            200,
        )
        assert post.request_json["ordering_groups"][0]["count_requested"] == "1"
        assert post.response_json["data"]["id"]
        assert get.query == {"page[size]": "5"}


class TestLatency:
    def test_latency_uses_injected_sleep(
        self, make: Callable[..., Sandbox], fake_clock: FakeClock
    ) -> None:
        """latency_ms sleeps through the injected sleep, once per request."""
        sb = make(latency_ms=250)
        with _client(sb) as api:
            api.get("/phone_numbers")
            api.get("/phone_numbers")
        assert fake_clock.sleeps == [0.25, 0.25]


class TestRateLimit:
    def test_429_with_headers_then_recovery(
        self, make: Callable[..., Sandbox], fake_clock: FakeClock
    ) -> None:
        """Beyond the rate a 429 (code 10011) carries x-ratelimit-* and Retry-After."""
        sb = make(rate_limit=2)
        with _client(sb) as api:
            first, second, third = (api.get("/phone_numbers") for _ in range(3))
            assert [first.status_code, second.status_code] == [200, 200]
            assert first.headers["x-ratelimit-limit"] == "2"
            assert first.headers["x-ratelimit-remaining"] == "1"
            assert third.status_code == 429
            assert third.json()["errors"][0]["code"] == "10011"
            assert third.headers["x-ratelimit-remaining"] == "0"
            assert int(third.headers["retry-after"]) >= 1
            assert int(third.headers["x-ratelimit-reset"]) >= 1
            fake_clock.advance(float(third.headers["retry-after"]))
            assert api.get("/phone_numbers").status_code == 200


def _outcomes(sb: Sandbox, n: int) -> list[str]:
    seen = []
    with _client(sb) as api:
        for _ in range(n):
            try:
                seen.append(str(api.get("/phone_numbers").status_code))
            except httpx.RemoteProtocolError:
                seen.append("cut")
    return seen


class TestFaults:
    def test_reproducible_for_a_seed(self, make: Callable[..., Sandbox]) -> None:
        """The same seed gives the same faults for the same requests; another seed differs."""
        runs = [_outcomes(make(fault_rate=0.5, seed=seed), 40) for seed in (7, 7, 8)]
        assert runs[0] == runs[1]
        assert runs[0] != runs[2]
        assert {"200", "500", "cut"} <= set(runs[0])

    def test_server_error_envelope(self, make: Callable[..., Sandbox]) -> None:
        """A 500 fault answers code 10007 in the envelope."""
        sb = make()
        sb.inject_fault("error", path="/phone_numbers")
        with _client(sb) as api:
            response = api.get("/phone_numbers")
        assert (response.status_code, response.json()["errors"][0]["code"]) == (500, "10007")

    def test_cut_before_changes_nothing(self, make: Callable[..., Sandbox]) -> None:
        """A cut before processing loses the request: nothing is ordered."""
        sb = make()
        sb.inject_fault("cut", method="POST")
        with _client(sb) as api, pytest.raises(httpx.RemoteProtocolError):
            place(api, group(1))
        assert sb.counts()["bulk_orders"] == 0

    @pytest.mark.parametrize("kind", ["cut_after", "error_after"])
    def test_failure_after_commit(self, make: Callable[..., Sandbox], kind: str) -> None:
        """A fault after processing still leaves the order placed (an ambiguous failure)."""
        sb = make()
        sb.inject_fault(kind, method="POST", path="inexplicit")  # type: ignore[arg-type]
        with _client(sb) as api:
            try:
                status = api.post(
                    "/inexplicit_number_orders", json={"ordering_groups": [group(1)]}
                ).status_code
            except httpx.RemoteProtocolError:
                status = 0
            assert status == (0 if kind == "cut_after" else 500)
            listed = api.get("/inexplicit_number_orders").json()
        assert listed["meta"]["total_results"] == 1

    def test_scripted_rate_limit_storm(self, make: Callable[..., Sandbox]) -> None:
        """Scripted 429s answer with Retry-After for the given number of requests."""
        sb = make()
        sb.inject_fault("rate_limit", times=2, retry_after=3)
        with _client(sb) as api:
            statuses = [api.get("/phone_numbers") for _ in range(3)]
        assert [r.status_code for r in statuses] == [429, 429, 200]
        assert statuses[0].headers["retry-after"] == "3"


class TestFromBaseUrl:
    def test_default_file_under_cwd(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """'sandbox' keeps state in .bulknumbers/sandbox.sqlite3 under the working directory."""
        monkeypatch.chdir(tmp_path)
        Sandbox.from_base_url("sandbox").close()
        assert (tmp_path / ".bulknumbers" / "sandbox.sqlite3").is_file()

    def test_path_and_options(self, tmp_path: Path) -> None:
        """'sandbox:PATH?option=value' opens PATH with the options."""
        db = tmp_path / "s.sqlite3"
        with Sandbox.from_base_url(f"sandbox:{db}?processing_seconds=2&seed=3") as sb:
            assert sb.backend.orders.processing_seconds == 2.0
            assert sb.backend.seed == 3
        assert db.is_file()

    @pytest.mark.parametrize(
        "url",
        ["https://api.telnyx.com/v2", "sandbox:x?colour=red"],
        ids=["not-sandbox", "unknown-option"],
    )
    def test_rejects(self, url: str) -> None:
        """Other URLs and unknown options are refused with a clear message."""
        with pytest.raises(ValueError, match="sandbox"):
            Sandbox.from_base_url(url)


class TestInternalErrors:
    def test_bug_answers_500_and_is_kept(self, make: Callable[..., Sandbox]) -> None:
        """An exception inside the sandbox answers 500 (10007) and is kept for tests to see."""
        sb = make()
        sb.backend.store.close()  # any query now raises sqlite3.ProgrammingError
        with _client(sb) as api:
            response = api.get("/phone_numbers")
        assert (response.status_code, response.json()["errors"][0]["code"]) == (500, "10007")
        assert len(sb.internal_errors) == 1
