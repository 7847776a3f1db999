"""iter_items: pages after the first fetched concurrently, yielded in order, a changing list read
sensibly; and the client's iterators over a sandbox with latency."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from pulumi_bulknumbers._pagination import Page, iter_items
from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.errors import NotFoundError, UsageError
from pulumi_bulknumbers.models import BulkOrderRequest, OrderingGroupRequest, PaginationMeta
from pulumi_bulknumbers.sandbox import Sandbox
from tests.client.helpers import API_KEY

WAIT = 10.0  # seconds a test thread waits for another before the test fails (never reached)


@dataclass(frozen=True)
class Item:
    id: str


class Pages:
    """A thread-safe list served in pages of `size`, recording which pages were asked for."""

    def __init__(self, ids: list[str], size: int) -> None:
        self.ids = list(ids)
        self.size = size
        self.asked: list[int] = []
        self.lock = threading.Lock()
        self.before: Callable[[int], None] = lambda number: None
        self.after: Callable[[int], None] = lambda number: None

    def __call__(self, number: int) -> Page[Item]:
        self.before(number)
        with self.lock:
            self.asked.append(number)
            start = (number - 1) * self.size
            chunk = [Item(i) for i in self.ids[start : start + self.size]]
            total = len(self.ids)
        self.after(number)
        meta = PaginationMeta(
            page_number=number,
            page_size=self.size,
            total_pages=-(-total // self.size),
            total_results=total,
        )
        return Page(data=chunk, meta=meta)


def _ids(n: int) -> list[str]:
    return [f"n{i:05d}" for i in range(n)]


def _read(fetch: Pages, workers: int) -> list[str]:
    return [item.id for item in iter_items(fetch, workers=workers)]


class TestConcurrentPages:
    def test_pages_after_the_first_are_fetched_together(self) -> None:
        """Pages 2..9 are all in flight at once: each waits for the other seven."""
        pages = Pages(_ids(40 * 25), 25)
        barrier = threading.Barrier(8, timeout=WAIT)
        pages.before = lambda number: barrier.wait() if 2 <= number <= 9 else None
        assert _read(pages, workers=8) == _ids(1000)
        assert sorted(pages.asked) == list(range(1, 41))
        assert pages.asked[0] == 1

    def test_items_come_in_page_order_whatever_finishes_first(self) -> None:
        """Page 2 answers last of its window, yet its items come before page 3's."""
        pages = Pages(_ids(100), 10)
        others_done = threading.Semaphore(0)
        pages.before = lambda number: (
            [others_done.acquire(timeout=WAIT) for _ in range(3)] if number == 2 else None
        )
        pages.after = lambda number: others_done.release() if number in (3, 4, 5) else None
        assert _read(pages, workers=4) == _ids(100)

    def test_no_more_than_workers_pages_are_fetched_ahead(self) -> None:
        """A caller that stops after page 1 has caused at most 1 + workers fetches."""
        pages = Pages(_ids(1000), 10)
        items = iter_items(pages, workers=3)
        first_ten = [next(items).id for _ in range(11)]
        items.close()
        assert first_ten == _ids(11)
        assert len(pages.asked) <= 1 + 3

    @pytest.mark.parametrize("workers", [1, 8])
    def test_nothing_is_fetched_before_iteration(self, workers: int) -> None:
        """Iterators are lazy, concurrent or not."""
        pages = Pages(_ids(30), 10)
        items = iter_items(pages, workers=workers)
        assert pages.asked == []
        assert len(list(items)) == 30

    @pytest.mark.parametrize("workers", [1, 8])
    def test_a_failing_page_raises_after_the_pages_before_it(self, workers: int) -> None:
        """An error on page 3 reaches the caller after pages 1 and 2, as the same error."""
        pages = Pages(_ids(50), 10)
        failure = NotFoundError(404, [], method="GET", path="/v2/phone_numbers")

        def fail_on_three(number: int) -> None:
            if number == 3:
                raise failure

        pages.before = fail_on_three
        got: list[str] = []
        with pytest.raises(NotFoundError) as info:
            got.extend(item.id for item in iter_items(pages, workers=workers))
        assert info.value is failure
        assert got == _ids(20)

    def test_workers_must_be_positive(self) -> None:
        """A nonsense worker count is a usage error, raised when iteration starts."""
        with pytest.raises(UsageError, match="workers"):
            list(iter_items(Pages([], 1), workers=0))


class TestAChangingList:
    @pytest.mark.parametrize("workers", [1, 4])
    def test_a_removal_during_the_read_loses_nothing(self, workers: int) -> None:
        """An item removed after page 1 shifts the rest down; the re-read finds the skipped one."""
        pages = Pages(_ids(10), 2)
        removed = threading.Event()

        def remove_first(number: int) -> None:
            if number == 1 and not removed.is_set():
                removed.set()
                with pages.lock:
                    pages.ids.remove("n00000")

        pages.after = remove_first
        got = _read(pages, workers)
        assert sorted(got) == _ids(10)  # n00000 was yielded before it was removed
        assert len(got) == len(set(got))
        assert pages.asked.count(1) == 2  # read once more, from page 1

    @pytest.mark.parametrize("workers", [1, 4])
    def test_an_insertion_during_the_read_repeats_nothing(self, workers: int) -> None:
        """An item added in front shifts the rest up: the repeated item is yielded once."""
        pages = Pages(_ids(10)[1:], 3)
        added = threading.Event()

        def add_first(number: int) -> None:
            if number == 1 and not added.is_set():
                added.set()
                with pages.lock:
                    pages.ids.insert(0, "n00000")

        pages.after = add_first
        got = _read(pages, workers)
        assert sorted(got) == _ids(10)
        assert len(got) == len(set(got))

    def test_a_stable_list_is_read_once(self) -> None:
        """No change, no second read: exactly one request per page."""
        pages = Pages(_ids(95), 10)
        _read(pages, workers=8)
        assert sorted(pages.asked) == list(range(1, 11))

    def test_a_list_that_grew_is_read_to_its_new_end(self) -> None:
        """Pages beyond what page 1 announced are read when later pages announce them."""
        pages = Pages(_ids(20), 10)
        grown = threading.Event()

        def grow(number: int) -> None:
            if number == 1 and not grown.is_set():
                grown.set()
                with pages.lock:
                    pages.ids.extend(_ids(35)[20:])

        pages.after = grow
        assert sorted(_read(pages, workers=1)) == _ids(35)
        assert 4 in pages.asked


class TestClientIterators:
    @pytest.fixture(name="pool")
    def _pool(self) -> Iterator[tuple[Sandbox, BulkNumbersClient]]:
        """A sandbox holding 1,000 numbers under one reference, with 5 ms latency."""
        with (
            Sandbox(latency_ms=5) as sandbox,
            BulkNumbersClient(API_KEY, transport=sandbox.transport()) as client,
        ):
            group = OrderingGroupRequest(
                country_iso="US", phone_number_type="local", count_requested=1000
            )
            request = BulkOrderRequest(ordering_groups=[group], customer_reference="pool-x")
            client.get_bulk_order(client.create_bulk_order(request).id)
            yield sandbox, client

    def test_concurrent_and_sequential_reads_agree(
        self, pool: tuple[Sandbox, BulkNumbersClient]
    ) -> None:
        """Eight pages at a time yield exactly what one page at a time yields, in order."""
        sandbox, client = pool
        before = len(sandbox.calls)
        concurrent = [n.id for n in client.iter_phone_numbers(customer_reference="pool-x")]
        requests = len(sandbox.calls) - before
        with BulkNumbersClient(
            API_KEY, transport=sandbox.transport(), page_workers=1
        ) as one_by_one:
            sequential = [n.id for n in one_by_one.iter_phone_numbers(customer_reference="pool-x")]
        assert concurrent == sequential
        assert len(set(concurrent)) == 1000
        assert requests == 4  # 250 a page

    def test_page_workers_must_be_positive(self) -> None:
        """The client refuses a nonsense page_workers at construction."""
        with pytest.raises(UsageError, match="page_workers"):
            BulkNumbersClient(API_KEY, page_workers=0)
