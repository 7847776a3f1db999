"""`BulkNumbersClient`: a typed client for the Telnyx numbers endpoints this package uses.

One method per endpoint; every method returns models from `pulumi_bulknumbers.models` and raises
from the tree in `pulumi_bulknumbers.errors`. Requests go through `RetryTransport`, which retries
reads, polls and settings changes, but never re-sends a POST whose outcome is unknown.
"""

from __future__ import annotations

from pulumi_bulknumbers._client_core import DEFAULT_BASE_URL, USER_AGENT
from pulumi_bulknumbers._inventory_api import InventoryAPI
from pulumi_bulknumbers._numbers_api import NumbersAPI
from pulumi_bulknumbers._orders_api import OrdersAPI
from pulumi_bulknumbers._pagination import Page
from pulumi_bulknumbers._params import NOT_GIVEN, NotGiven

__all__ = ["DEFAULT_BASE_URL", "NOT_GIVEN", "USER_AGENT", "BulkNumbersClient", "NotGiven", "Page"]


class BulkNumbersClient(OrdersAPI, NumbersAPI, InventoryAPI):
    """Telnyx numbers API over one `httpx.Client`: bearer auth, retries, typed results.

    `BulkNumbersClient(api_key=None, *, base_url=DEFAULT_BASE_URL, timeout=30.0,
    transport=None, retry=None, sleep=time.sleep, clock=time.monotonic, page_workers=8)`

    - `api_key`: required except for the sandbox; it never appears in a repr, message or log.
    - `base_url`: `https://api.telnyx.com/v2` by default; `sandbox` or `sandbox:PATH[?options]`
      runs the embedded sandbox in-process (state in PATH), no server and no key needed.
    - `transport`: any `httpx.BaseTransport` (the test seam); wrapped by `RetryTransport`.
    - `retry`: a `RetryPolicy`; `sleep` and `clock` drive its waits (inject them in tests).
    - `page_workers`: how many pages `iter_*` fetch at once after the first (1: one by one).

    Requests are spaced by the API's `x-ratelimit-*` headers so 429s stay rare; every client
    on the real clock and network shares one such budget per base URL (see `_ratelimit`).
    A client is safe to use from several threads.

    >>> with BulkNumbersClient(base_url="sandbox:/tmp/telnyx.db") as client:
    ...     order = client.create_bulk_order(request)
    ...     order = client.get_bulk_order(order.id)
    """
