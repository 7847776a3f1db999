"""Whatever transient failure outlasts the retries of a read, it ends as a BulkNumbersError."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.errors import (
    BulkNumbersError,
    RateLimitError,
    ServerError,
    TransportError,
)
from pulumi_bulknumbers.sandbox import FakeClock
from pulumi_bulknumbers.transport import RetryPolicy
from tests.client.conftest import MakeScripted
from tests.client.helpers import API_KEY, Outcome

POLICY = RetryPolicy(max_attempts=3, rate_limit_seconds=5)


def _corrupt_gzip() -> httpx.Response:
    return httpx.Response(
        200, headers={"content-encoding": "gzip"}, stream=httpx.ByteStream(b"not gzip")
    )


FAILURES: list[tuple[str, Callable[[], Outcome], type[BulkNumbersError]]] = [
    ("500-json", lambda: httpx.Response(500, json={"errors": [{"code": "10007"}]}), ServerError),
    ("502-html", lambda: httpx.Response(502, text="<html>bad gateway</html>"), ServerError),
    ("503-empty", lambda: httpx.Response(503), ServerError),
    ("504-text", lambda: httpx.Response(504, text="upstream timed out"), ServerError),
    ("429", lambda: httpx.Response(429, headers={"Retry-After": "2"}), RateLimitError),
    ("connect", lambda: httpx.ConnectError("refused"), TransportError),
    ("connect-timeout", lambda: httpx.ConnectTimeout("slow"), TransportError),
    ("pool-timeout", lambda: httpx.PoolTimeout("busy"), TransportError),
    ("read-timeout", lambda: httpx.ReadTimeout("slow"), TransportError),
    ("read-error", lambda: httpx.ReadError("reset"), TransportError),
    ("write-error", lambda: httpx.WriteError("broken pipe"), TransportError),
    ("cut", lambda: httpx.RemoteProtocolError("server hung up"), TransportError),
    ("corrupt-gzip", _corrupt_gzip, TransportError),
]


@pytest.mark.parametrize(
    ("make", "expected"),
    [(make, expected) for _, make, expected in FAILURES],
    ids=[name for name, _, _ in FAILURES],
)
def test_a_read_that_keeps_failing_ends_in_the_tree(
    scripted: MakeScripted, make: Callable[[], Outcome], expected: type[BulkNumbersError]
) -> None:
    """Every attempt fails the same way: the caller gets the matching class, with the path."""
    client, script = scripted(*[make() for _ in range(10)], policy=POLICY)
    with pytest.raises(expected) as info:
        client.get_bulk_order("o")
    assert "/v2/inexplicit_number_orders/o" in str(info.value)
    assert 1 <= len(script.requests) <= 10


def test_a_page_failing_in_a_worker_thread_ends_in_the_tree(fake_clock: FakeClock) -> None:
    """A page fetched concurrently that keeps failing raises ServerError to the iterating caller."""

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page[number]", "1"))
        if number == 3:
            return httpx.Response(503, text="<html>maintenance</html>")
        meta = {"page_number": number, "page_size": 1, "total_pages": 6, "total_results": 6}
        item = {"id": str(number), "phone_number": f"+1212555010{number}"}
        return httpx.Response(200, json={"data": [item], "meta": meta})

    with BulkNumbersClient(
        API_KEY,
        transport=httpx.MockTransport(handler),
        retry=POLICY,
        sleep=fake_clock.sleep,
        clock=fake_clock.now,
    ) as client:
        seen: list[str] = []
        with pytest.raises(ServerError, match="503 Service Unavailable from a proxy"):
            seen.extend(n.id for n in client.iter_phone_numbers(page_size=1))
        assert seen == ["1", "2"]
