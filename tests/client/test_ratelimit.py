"""The client-side rate limiter: what it learns from headers, how it waits, who shares it; and
many threads against a rate-limited sandbox on loopback."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from pulumi_bulknumbers._ratelimit import RateLimiter, shared_limiter
from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.models import BulkOrderRequest, OrderingGroupRequest
from pulumi_bulknumbers.sandbox import FakeClock, Sandbox, serve
from tests.client.helpers import API_KEY

Make = Callable[..., RateLimiter]


@pytest.fixture(name="make")
def _make(fake_clock: FakeClock) -> Make:
    def make(max_wait: float = 60.0) -> RateLimiter:
        return RateLimiter(clock=fake_clock.now, sleep=fake_clock.sleep, max_wait=max_wait)

    return make


def _answer(status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers={k.replace("_", "-"): v for k, v in headers.items()})


def _budget(limit: int, remaining: int, reset: float) -> httpx.Response:
    return _answer(
        x_ratelimit_limit=str(limit),
        x_ratelimit_remaining=str(remaining),
        x_ratelimit_reset=str(reset),
    )


class TestLearning:
    def test_requests_go_freely_while_the_budget_lasts(
        self, make: Make, fake_clock: FakeClock
    ) -> None:
        """With 3 left, three requests go at once and the fourth waits for the reset."""
        limiter = make()
        limiter.release(limiter.acquire(), _budget(10, 3, reset=4))
        for _ in range(3):
            limiter.release(limiter.acquire(), None)
        assert fake_clock.sleeps == []
        limiter.acquire()
        assert fake_clock.sleeps == [4.0]
        assert limiter.waits == 1

    def test_the_budget_is_full_again_after_the_reset(
        self, make: Make, fake_clock: FakeClock
    ) -> None:
        """After waiting for the reset, `limit` requests go before the next wait."""
        limiter = make()
        limiter.release(limiter.acquire(), _budget(5, 0, reset=2))
        tickets = [limiter.acquire() for _ in range(5)]
        assert fake_clock.sleeps == [2.0]
        for ticket in tickets:
            limiter.release(ticket, None)

    def test_requests_sent_after_an_answer_are_counted_against_it(
        self, make: Make, fake_clock: FakeClock
    ) -> None:
        """An answer saying 2 left, to the first of three requests in flight, leaves none."""
        limiter = make()
        limiter.release(limiter.acquire(), _answer())  # no limit known: no probing either
        first, _, _ = limiter.acquire(), limiter.acquire(), limiter.acquire()
        limiter.release(first, _budget(10, 2, reset=5))
        limiter.acquire()
        assert fake_clock.sleeps == [5.0]

    def test_an_older_answer_does_not_undo_a_newer_one(
        self, make: Make, fake_clock: FakeClock
    ) -> None:
        """Answers arriving out of order: the one to the later request wins."""
        limiter = make()
        limiter.release(limiter.acquire(), _answer())
        older, newer = limiter.acquire(), limiter.acquire()
        limiter.release(newer, _budget(10, 0, reset=3))
        limiter.release(older, _budget(10, 9, reset=1))
        limiter.acquire()
        assert fake_clock.sleeps == [3.0]

    def test_a_429_holds_everyone_for_its_retry_after(
        self, make: Make, fake_clock: FakeClock
    ) -> None:
        """After a 429 the next request, from any thread, waits Retry-After."""
        limiter = make()
        limiter.release(limiter.acquire(), _answer(429, retry_after="2"))
        limiter.acquire()
        assert fake_clock.sleeps == [2.0]

    def test_without_headers_nothing_is_held_back(self, make: Make, fake_clock: FakeClock) -> None:
        """An API that reports no limit is not slowed down."""
        limiter = make()
        limiter.release(limiter.acquire(), _budget(10, 0, reset=30))
        limiter.release(limiter.acquire(), _answer())  # waited, then learned: no limit now
        for _ in range(100):
            limiter.acquire()
        assert fake_clock.sleeps == [30.0]

    def test_one_probe_at_a_time_until_the_first_answer(
        self, make: Make, fake_clock: FakeClock
    ) -> None:
        """A cold limiter sends one request and holds the next until an answer teaches it."""
        limiter = make(max_wait=0.1)
        limiter.acquire()
        limiter.acquire()  # nobody answers here: it gives up waiting after max_wait
        assert fake_clock.sleeps
        assert sum(fake_clock.sleeps) == pytest.approx(0.1)

    def test_a_failed_probe_lets_the_next_one_go(self, make: Make, fake_clock: FakeClock) -> None:
        """A request that got no answer teaches nothing and frees its place."""
        limiter = make()
        limiter.release(limiter.acquire(), None)
        limiter.acquire()
        assert fake_clock.sleeps == []

    def test_waits_are_bounded(self, make: Make, fake_clock: FakeClock) -> None:
        """A reset an hour away holds a request max_wait seconds; then the server decides."""
        limiter = make(max_wait=45)
        limiter.release(limiter.acquire(), _budget(100, 0, reset=3600))
        limiter.acquire()
        assert fake_clock.sleeps == [45.0]

    @pytest.mark.parametrize("value", ["lots", "nan", "inf", ""])
    def test_garbage_headers_are_ignored(
        self, make: Make, fake_clock: FakeClock, value: str
    ) -> None:
        """Headers that are not numbers mean no limit is known."""
        limiter = make()
        headers = {"x_ratelimit_remaining": value, "x_ratelimit_reset": value}
        limiter.release(limiter.acquire(), _answer(**headers))
        for _ in range(10):
            limiter.acquire()
        assert fake_clock.sleeps == []


class TestSharing:
    def test_one_limiter_per_base_url(self) -> None:
        """Spelling variants of one base URL share a limiter; another URL has its own."""
        first = shared_limiter("https://api.example.test/v2")
        assert shared_limiter("https://API.example.test/v2/") is first
        assert shared_limiter("https://other.example.test/v2") is not first

    def test_clients_on_the_network_share_and_others_do_not(self, fake_clock: FakeClock) -> None:
        """Real network and real clock: shared. Own transport or own clock: private."""
        url = "http://127.0.0.1:9/v2"
        with (
            BulkNumbersClient(API_KEY, base_url=url) as a,
            BulkNumbersClient(API_KEY, base_url=url + "/") as b,
            BulkNumbersClient(API_KEY, base_url=url, sleep=fake_clock.sleep) as c,
            BulkNumbersClient(
                API_KEY, base_url=url, transport=httpx.MockTransport(lambda r: _answer())
            ) as d,
        ):
            assert a._limiter is b._limiter is shared_limiter(url)
            assert c._limiter is not a._limiter
            assert d._limiter is not a._limiter


class TestThreadsAgainstARateLimitedSandbox:
    """Real time, real sockets: several clients in threads, one sandbox allowing 20/s."""

    THREADS = 4
    EACH = 10

    @pytest.fixture(name="limited")
    def _limited(self) -> Iterator[tuple[Sandbox, str]]:
        with Sandbox(rate_limit=20) as sandbox, serve(sandbox) as server:
            yield sandbox, server.base_url

    def _in_threads(self, work: Callable[[BulkNumbersClient], None], base_url: str) -> None:
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with BulkNumbersClient(API_KEY, base_url=base_url, timeout=10) as client:
                    work(client)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(self.THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []

    def test_every_read_succeeds_and_429s_stay_rare(self, limited: tuple[Sandbox, str]) -> None:
        """Twice the per-second budget, from four threads: all succeed, few or no 429s."""
        sandbox, base_url = limited

        def reads(client: BulkNumbersClient) -> None:
            for _ in range(self.EACH):
                client.list_phone_numbers()

        self._in_threads(reads, base_url)
        statuses = [c.status for c in sandbox.calls]
        assert statuses.count(200) == self.THREADS * self.EACH
        assert set(statuses) <= {200, 429}
        assert statuses.count(429) <= len(statuses) // 10

    def test_creates_are_sent_again_only_after_429s(self, limited: tuple[Sandbox, str]) -> None:
        """Creates refused with 429 are sent again; none is bought twice."""
        sandbox, base_url = limited
        sandbox.inject_fault("rate_limit", method="POST", times=2, retry_after=1)
        group = OrderingGroupRequest(country_iso="US", phone_number_type="local", count_requested=1)

        def create(client: BulkNumbersClient) -> None:
            client.create_bulk_order(BulkOrderRequest(ordering_groups=[group]))

        self._in_threads(create, base_url)
        posts = [c for c in sandbox.calls if c.method == "POST"]
        assert [c.status for c in posts].count(200) == self.THREADS
        assert [c.status for c in posts].count(429) == 2
        with BulkNumbersClient(API_KEY, base_url=base_url) as client:
            assert len(list(client.iter_bulk_orders())) == self.THREADS
