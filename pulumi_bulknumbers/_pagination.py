"""Pages of list results, and iteration over all of them.

Telnyx pages two ways (reference, section 6.5): bulk orders take flat `page_number` /
`page_size`; the other lists take deepObject `page[number]` / `page[size]`. Both answer with
`meta: {page_number, page_size, total_pages, total_results}`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from pulumi_bulknumbers.errors import UsageError
from pulumi_bulknumbers.models import PaginationMeta

__all__ = [
    "MAX_PAGE_SIZE",
    "Page",
    "check_paging",
    "deep_page_params",
    "flat_page_params",
    "iter_items",
]

T = TypeVar("T")

MAX_PAGE_SIZE = 250


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


def iter_items(fetch: Callable[[int], Page[T]]) -> Iterator[T]:
    """Every item of every page, fetching page 1, 2, ... lazily until `total_pages`.

    Stops early when the server says it ignored the page asked for (it echoes a lower
    `page_number`), rather than yield page 1 again.
    """
    page_number = 1
    while True:
        page = fetch(page_number)
        echoed = page.meta.page_number if "page_number" in page.meta.model_fields_set else None
        if echoed is not None and echoed < page_number:
            return
        yield from page.data
        if not page.data or page_number >= page.meta.total_pages:
            return
        page_number += 1
