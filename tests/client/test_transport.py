"""RetryTransport: retries what is safe, never re-sends a POST of unknown outcome, never waits."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator

import httpx
import pytest

from pulumi_bulknumbers.sandbox import FakeClock
from pulumi_bulknumbers.transport import RetryPolicy, RetryTransport, server_delay
from tests.client.helpers import Outcome, Script

URL = "https://api.telnyx.com/v2/phone_numbers"
WALL_NOW = 1_800_000_000.0  # epoch seconds for HTTP-date Retry-After values

Make = Callable[..., tuple[httpx.Client, Script]]


@pytest.fixture(name="make")
def _make(fake_clock: FakeClock) -> Iterator[Make]:
    """Build an httpx.Client over RetryTransport over a Script, on the fake clock."""
    clients: list[httpx.Client] = []

    def make(*outcomes: Outcome, policy: RetryPolicy | None = None) -> tuple[httpx.Client, Script]:
        script = Script(*outcomes)
        transport = RetryTransport(
            httpx.MockTransport(script),
            policy=policy or RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=4.0),
            sleep=fake_clock.sleep,
            clock=fake_clock.now,
            wall_clock=lambda: WALL_NOW,
            rng=random.Random(7),
        )
        client = httpx.Client(transport=transport)
        clients.append(client)
        return client, script

    yield make
    for client in clients:
        client.close()


def _ok() -> httpx.Response:
    return httpx.Response(200, json={"data": {}})


def _status(code: int, **headers: str) -> httpx.Response:
    return httpx.Response(code, json={"errors": []}, headers=headers)


def _connect_error() -> httpx.ConnectError:
    return httpx.ConnectError("connection refused")


class TestIdempotentRetries:
    @pytest.mark.parametrize("method", ["GET", "DELETE", "PATCH", "PUT"], ids=str.lower)
    @pytest.mark.parametrize("status", [429, 500, 502, 503, 504], ids=str)
    def test_retryable_status_then_success(self, make: Make, method: str, status: int) -> None:
        """Reads, deletes and settings changes are retried after 429 and 5xx."""
        client, script = make(_status(status), _ok())
        assert client.request(method, URL).status_code == 200
        assert len(script.requests) == 2

    @pytest.mark.parametrize(
        "error",
        [
            httpx.ConnectError("refused"),
            httpx.ConnectTimeout("slow connect"),
            httpx.ReadTimeout("slow read"),
            httpx.ReadError("reset"),
            httpx.RemoteProtocolError("server hung up"),
        ],
        ids=lambda e: type(e).__name__,
    )
    def test_connection_errors_then_success(
        self, make: Make, fake_clock: FakeClock, error: Exception
    ) -> None:
        """A GET survives any transport failure that resolves within the budget."""
        client, script = make(error, _ok())
        assert client.get(URL).status_code == 200
        assert len(script.requests) == 2
        assert len(fake_clock.sleeps) == 1

    @pytest.mark.parametrize("status", [400, 401, 404, 409, 422, 501], ids=str)
    def test_other_statuses_are_final(self, make: Make, status: int) -> None:
        """Client errors (and 501) come back at once, unretried."""
        client, script = make(_status(status))
        assert client.get(URL).status_code == status
        assert len(script.requests) == 1


class TestPostIsNeverResentBlindly:
    @pytest.mark.parametrize("status", [500, 502, 503, 504], ids=str)
    def test_post_5xx_is_returned_not_retried(self, make: Make, status: int) -> None:
        """After a 5xx the POST may have been processed: one attempt only."""
        client, script = make(_status(status), _ok())
        assert client.post(URL, json={"a": 1}).status_code == status
        assert script.methods_and_paths == ["POST /v2/phone_numbers"]

    @pytest.mark.parametrize(
        "error",
        [
            httpx.ReadTimeout("slow read"),
            httpx.ReadError("reset"),
            httpx.RemoteProtocolError("server hung up"),
            httpx.WriteError("broken pipe"),
            httpx.WriteTimeout("slow write"),
        ],
        ids=lambda e: type(e).__name__,
    )
    def test_post_cut_after_sending_is_raised_not_retried(
        self, make: Make, error: Exception
    ) -> None:
        """A POST cut or timed out once sent is raised after one attempt."""
        client, script = make(error, _ok())
        with pytest.raises(type(error)):
            client.post(URL, json={"a": 1})
        assert len(script.requests) == 1

    @pytest.mark.parametrize(
        "first",
        [
            _status(429, **{"Retry-After": "1"}),
            httpx.ConnectError("refused"),
            httpx.ConnectTimeout("slow connect"),
            httpx.PoolTimeout("no free connection"),
        ],
        ids=["429", "ConnectError", "ConnectTimeout", "PoolTimeout"],
    )
    def test_post_is_retried_when_provably_unprocessed(self, make: Make, first: Outcome) -> None:
        """A 429 or a failure to connect means nothing was processed: the POST is re-sent."""
        client, script = make(first, _ok())
        assert client.post(URL, json={"count": "5"}).status_code == 200
        assert len(script.requests) == 2
        assert script.requests[0].content == script.requests[1].content == b'{"count":"5"}'


class TestWaiting:
    def test_retry_after_seconds_is_obeyed(self, make: Make, fake_clock: FakeClock) -> None:
        """429 with Retry-After: 3 waits exactly 3 seconds."""
        client, _ = make(_status(429, **{"Retry-After": "3"}), _ok())
        client.get(URL)
        assert fake_clock.sleeps == [3.0]

    def test_retry_after_http_date_is_obeyed(self, make: Make, fake_clock: FakeClock) -> None:
        """Retry-After as an HTTP date waits until that instant."""
        when = "Fri, 15 Jan 2027 08:00:05 GMT"  # WALL_NOW is 08:00:00 that day
        client, _ = make(_status(429, **{"Retry-After": when}), _ok())
        client.get(URL)
        assert fake_clock.sleeps == [pytest.approx(5.0)]

    def test_ratelimit_reset_is_obeyed_on_429(self, make: Make, fake_clock: FakeClock) -> None:
        """Without Retry-After, x-ratelimit-reset (seconds) sets the wait."""
        client, _ = make(_status(429, **{"x-ratelimit-reset": "7"}), _ok())
        client.get(URL)
        assert fake_clock.sleeps == [7.0]

    def test_backoff_doubles_is_capped_and_jittered(
        self, make: Make, fake_clock: FakeClock
    ) -> None:
        """Without hints, waits double from base_delay, cap at max_delay, minus <= 25%."""
        policy = RetryPolicy(max_attempts=6, base_delay=0.5, max_delay=2.0, max_total_seconds=100)
        client, script = make(*[_status(503)] * 5, _ok(), policy=policy)
        assert client.get(URL).status_code == 200
        nominal = [0.5, 1.0, 2.0, 2.0, 2.0]
        assert len(fake_clock.sleeps) == len(nominal)
        for slept, full in zip(fake_clock.sleeps, nominal, strict=True):
            assert 0.75 * full <= slept <= full
        assert len(script.requests) == 6


class TestBounds:
    def test_attempts_are_bounded_and_last_response_returned(self, make: Make) -> None:
        """After max_attempts the last 5xx is returned to the caller."""
        client, script = make(*[_status(500)] * 4)
        assert client.get(URL).status_code == 500
        assert len(script.requests) == 4

    def test_attempts_are_bounded_for_errors_too(self, make: Make) -> None:
        """After max_attempts the last transport error is raised."""
        client, script = make(*[_connect_error() for _ in range(4)])
        with pytest.raises(httpx.ConnectError):
            client.get(URL)
        assert len(script.requests) == 4

    def test_a_wait_past_the_time_budget_is_not_made(
        self, make: Make, fake_clock: FakeClock
    ) -> None:
        """A Retry-After longer than the rate-limit budget returns the 429 at once."""
        policy = RetryPolicy(max_attempts=10, rate_limit_seconds=120)
        client, script = make(_status(429, **{"Retry-After": "121"}), _ok(), policy=policy)
        assert client.get(URL).status_code == 429
        assert (len(script.requests), fake_clock.sleeps) == (1, [])

    def test_total_time_is_bounded(self, make: Make, fake_clock: FakeClock) -> None:
        """Retries after 5xx stop once the next wait would cross max_total_seconds."""
        policy = RetryPolicy(max_attempts=100, max_total_seconds=10)
        client, _ = make(*[_status(503, **{"Retry-After": "4"})] * 10, policy=policy)
        started = fake_clock.now()
        assert client.get(URL).status_code == 503
        assert fake_clock.sleeps == [4.0, 4.0]
        assert fake_clock.now() - started <= 10

    def test_429s_have_their_own_longer_budget(self, make: Make, fake_clock: FakeClock) -> None:
        """429s do not use up max_attempts: they go on until rate_limit_seconds is spent."""
        policy = RetryPolicy(max_attempts=2, max_total_seconds=5, rate_limit_seconds=30)
        client, script = make(*[_status(429, **{"Retry-After": "4"})] * 20, policy=policy)
        started = fake_clock.now()
        assert client.get(URL).status_code == 429
        assert fake_clock.sleeps == [4.0] * 7
        assert len(script.requests) == 8
        assert fake_clock.now() - started <= 30

    def test_429s_and_failures_are_counted_apart(self, make: Make) -> None:
        """A 503 after several 429s still has its attempts: the call succeeds."""
        policy = RetryPolicy(max_attempts=2)
        limited = _status(429, **{"Retry-After": "1"})
        client, script = make(limited, limited, limited, _status(503), _ok(), policy=policy)
        assert client.get(URL).status_code == 200
        assert len(script.requests) == 5

    def test_a_429_without_a_hint_backs_off(self, make: Make, fake_clock: FakeClock) -> None:
        """No Retry-After (or zero) still waits, doubling, rather than hammering."""
        client, _ = make(_status(429), _status(429, **{"Retry-After": "0"}), _ok())
        assert client.get(URL).status_code == 200
        assert len(fake_clock.sleeps) == 2
        assert 0.375 <= fake_clock.sleeps[0] <= 0.5
        assert 0.75 <= fake_clock.sleeps[1] <= 1.0

    def test_a_post_is_resent_after_429s_only(self, make: Make) -> None:
        """A POST rides out 429s, but the 500 after them ends it: one more send could buy twice."""
        limited = _status(429, **{"Retry-After": "1"})
        client, script = make(limited, limited, _status(500), _ok())
        assert client.post(URL, json={"a": 1}).status_code == 500
        assert len(script.requests) == 3

    @pytest.mark.parametrize("status", [503, 429], ids=str)
    def test_single_attempt_policy_never_retries(self, make: Make, status: int) -> None:
        """max_attempts=1 with rate_limit_seconds=0 disables retries."""
        policy = RetryPolicy(max_attempts=1, rate_limit_seconds=0)
        client, script = make(_status(status), _ok(), policy=policy)
        assert client.get(URL).status_code == status
        assert len(script.requests) == 1

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"max_attempts": 0},
            {"base_delay": -1},
            {"max_total_seconds": -1},
            {"rate_limit_seconds": -1},
        ],
        ids=["zero-attempts", "negative-delay", "negative-budget", "negative-429-budget"],
    )
    def test_nonsense_policies_are_refused(self, kwargs: dict[str, float]) -> None:
        """RetryPolicy validates itself."""
        with pytest.raises(ValueError, match="RetryPolicy"):
            RetryPolicy(**kwargs)  # type: ignore[arg-type]


class TestLogging:
    def test_each_retry_is_logged_with_method_and_path(
        self, make: Make, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A retry logs what failed and when the next attempt comes."""
        client, _ = make(_status(503), _ok())
        with caplog.at_level(logging.INFO, logger="pulumi_bulknumbers.transport"):
            client.get(URL + "?filter[tag]=x")
        assert "GET /v2/phone_numbers: 503; retrying in" in caplog.text
        assert "filter" not in caplog.text


class TestServerDelay:
    @pytest.mark.parametrize(
        ("headers", "rate_limited", "expected"),
        [
            ({"retry-after": "2"}, True, 2.0),
            ({"retry-after": "0"}, True, 0.0),
            ({"retry-after": "-5"}, True, 0.0),
            ({"retry-after-ms": "1500"}, True, 1.5),
            ({"retry-after-ms": "x", "retry-after": "4"}, True, 4.0),
            ({"retry-after": "Fri, 15 Jan 2027 07:59:00 GMT"}, True, 0.0),
            ({"retry-after": "soon"}, True, None),
            ({"x-ratelimit-reset": "9"}, True, 9.0),
            ({"x-ratelimit-reset": "9"}, False, None),
            ({"x-ratelimit-reset": str(int(WALL_NOW) + 12)}, True, 12.0),
            ({"x-ratelimit-reset": "later"}, True, None),
            ({"retry-after": "3", "x-ratelimit-reset": "9"}, True, 3.0),
            ({}, True, None),
        ],
        ids=[
            "seconds",
            "zero",
            "negative",
            "milliseconds",
            "bad-ms-falls-back",
            "date-in-past",
            "garbage",
            "ratelimit-reset",
            "reset-ignored-unless-429",
            "reset-as-epoch",
            "reset-garbage",
            "retry-after-wins",
            "none",
        ],
    )
    def test_hint_parsing(
        self, headers: dict[str, str], rate_limited: bool, expected: float | None
    ) -> None:
        """Retry-After (seconds, ms, date) and x-ratelimit-reset parse into seconds."""
        got = server_delay(httpx.Headers(headers), now=WALL_NOW, rate_limited=rate_limited)
        assert got == (pytest.approx(expected) if expected is not None else None)
