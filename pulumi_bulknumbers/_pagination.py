"""Pages of list results, and iteration over all of them.

Telnyx pages two ways (reference, section 6.5): bulk orders take flat `page_number` /
`page_size`; the other lists take deepObject `page[number]` / `page[size]`. Both answer with
`meta: {page_number, page_size, total_pages, total_results}`.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from pulumi_bulknumbers.errors import UsageError
from pulumi_bulknumbers.models import PaginationMeta

__all__ = [
    "DEFAULT_PAGE_WORKERS",
    "MAX_PAGE_SIZE",
    "Page",
    "check_paging",
    "deep_page_params",
    "flat_page_params",
    "iter_items",
]

T = TypeVar("T")

MAX_PAGE_SIZE = 250
# Eight pages in flight turn a 40-page list at 50 ms a request into ~6 round trips, and stay
# well inside httpx's default pool (100 connections) and a 20 requests/second rate limit.
DEFAULT_PAGE_WORKERS = 8


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items and where it sits (`meta`).

    >>> page = client.list_phone_numbers(page_size=50)
    >>> page.meta.total_results, len(page.data), page.has_next
    """

    data: list[T]
    meta: PaginationMeta

    @property
    def has_next(self) -> bool:
        """True when a later page exists."""
        return bool(self.data) and self.meta.page_number < self.meta.total_pages


def check_paging(page_number: int, page_size: int) -> None:
    """Raise `UsageError` unless the page number is >= 1 and the size within 1..250."""
    if page_number < 1:
        raise UsageError(f"page_number must be at least 1, not {page_number}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise UsageError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}")


def flat_page_params(page_number: int, page_size: int) -> dict[str, str]:
    """Query parameters for flat paging (`/inexplicit_number_orders`)."""
    check_paging(page_number, page_size)
    return {"page_number": str(page_number), "page_size": str(page_size)}


def deep_page_params(page_number: int, page_size: int) -> dict[str, str]:
    """Query parameters for deepObject paging (`/phone_numbers`, `/number_orders`, ...)."""
    check_paging(page_number, page_size)
    return {"page[number]": str(page_number), "page[size]": str(page_size)}


def iter_items(fetch: Callable[[int], Page[T]], *, workers: int = 1) -> Iterator[T]:
    """Every item of every page, in page order; nothing is fetched until iteration starts.

    Page 1 comes first and says how many pages there are; the rest are fetched up to `workers`
    at a time (in threads: `fetch` must be thread-safe, as an `httpx.Client` is), at most
    `workers` pages ahead of what the caller has consumed. Iteration stops at an empty page,
    and when the server says it ignored the page asked for (it echoes a lower `page_number`),
    rather than yield page 1 again.

    Telnyx pages by number, not by cursor, so a list that changes while it is read shifts
    items between pages: one can be seen twice or not at all, concurrently or not. So items
    are yielded once per `id`, more pages are read if the list grew, and if any page reports
    a different `total_results` than page 1 the list is read once more from page 1 and the
    items not yet yielded follow. An item removed meanwhile may still have been yielded: the
    result is the list as it stood at some moment during the read, plus what was added.
    """
    if workers < 1:
        raise UsageError(f"workers must be at least 1, not {workers}")
    seen: set[object] = set()
    changed = yield from _read_once(fetch, workers, seen)
    if changed:
        yield from _read_once(fetch, workers, seen)


def _read_once(
    fetch: Callable[[int], Page[T]], workers: int, seen: set[object]
) -> Generator[T, None, bool]:
    """One pass over the pages, yielding unseen items; returns whether the list changed."""
    first = fetch(1)
    yield from _unseen(first.data, seen)
    if not first.data or first.meta.total_pages <= 1:
        return False
    total = _total(first)
    last_page, changed = first.meta.total_pages, False
    pool = None
    if workers > 1:
        pool = ThreadPoolExecutor(min(workers, last_page - 1), thread_name_prefix="bulknumbers")
    ahead: deque[tuple[int, Future[Page[T]]]] = deque()
    try:
        next_number = 2
        while True:
            while next_number <= last_page and len(ahead) < workers:
                future = pool.submit(fetch, next_number) if pool else _inline(fetch, next_number)
                ahead.append((next_number, future))
                next_number += 1
            if not ahead:
                return changed
            number, future = ahead.popleft()
            page = future.result()
            if _echoed(page) < number:
                return changed
            now = _total(page)
            changed = changed or (None not in (total, now) and now != total)
            yield from _unseen(page.data, seen)
            if not page.data:
                return changed
            # The list grew while being read: its later pages are new, read them too.
            last_page = max(last_page, page.meta.total_pages)
    finally:
        # Pages fetched ahead of an early stop are dropped; running requests end on their own.
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _inline(fetch: Callable[[int], Page[T]], number: int) -> Future[Page[T]]:
    """`fetch(number)` run now, as a finished future (one page at a time needs no thread)."""
    future: Future[Page[T]] = Future()
    try:
        future.set_result(fetch(number))
    except Exception as exc:
        future.set_exception(exc)
    return future


def _unseen(items: list[T], seen: set[object]) -> Iterator[T]:
    for item in items:
        key = getattr(item, "id", None)
        if key is None:
            yield item
        elif key not in seen:
            seen.add(key)
            yield item


def _echoed(page: Page[T]) -> int:
    """The page number the server says it answered (the number asked for when it is silent)."""
    meta = page.meta
    return meta.page_number if "page_number" in meta.model_fields_set else sys.maxsize


def _total(page: Page[T]) -> int | None:
    meta = page.meta
    return meta.total_results if "total_results" in meta.model_fields_set else None
