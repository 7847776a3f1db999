"""Bulk (inexplicit) orders, number orders and sub number orders."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

from pulumi_bulknumbers._client_core import ClientCore
from pulumi_bulknumbers._pagination import (
    MAX_PAGE_SIZE,
    Page,
    check_paging,
    deep_page_params,
    flat_page_params,
    iter_items,
)
from pulumi_bulknumbers._params import NOT_GIVEN, NotGiven, filters, given, segment
from pulumi_bulknumbers._wire import echoes
from pulumi_bulknumbers.errors import UsageError
from pulumi_bulknumbers.models import BulkOrder, BulkOrderRequest, NumberOrder, SubNumberOrder

__all__ = ["OrdersAPI"]


def _sane_counts(order: BulkOrder) -> str | None:
    """What is impossible about the groups' counts, or None: the provider trusts them."""
    for index, group in enumerate(order.ordering_groups):
        kind = " ".join(p for p in (group.country_iso, group.phone_number_type) if p)
        where = f"bulk order {order.id}, ordering group {index}" + (f" ({kind})" if kind else "")
        requested, allocated = group.count_requested, group.count_allocated
        if requested < 0 or allocated < 0:
            return f"{where} has a negative count (requested {requested}, allocated {allocated})"
        # An absent count_requested defaults to 0 and says nothing: compare only a sent one.
        if "count_requested" in group.model_fields_set and allocated > requested:
            return f"{where} allocated {allocated} numbers but only {requested} were requested"
    return None


class OrdersAPI(ClientCore):
    """Endpoints under /inexplicit_number_orders, /number_orders and /sub_number_orders."""

    # -- bulk orders ---------------------------------------------------------------------------

    def create_bulk_order(self, request: BulkOrderRequest) -> BulkOrder:
        """Place a bulk order (POST /inexplicit_number_orders); Telnyx processes it later.

        Never re-sent after an ambiguous failure (5xx, timeout, cut connection): on
        `ServerError`, `UnexpectedResponseError` or a `TransportError` whose `request_sent`
        is not False, the order may exist; look for it before ordering again.

        >>> order = client.create_bulk_order(BulkOrderRequest(ordering_groups=[...]))
        >>> order.status
        'pending'
        """
        return self._one(
            "POST",
            "/inexplicit_number_orders",
            BulkOrder,
            body=request.to_json(),
            check=_sane_counts,
        )

    def get_bulk_order(self, order_id: str) -> BulkOrder:
        """One bulk order with its groups' progress (GET /inexplicit_number_orders/{id})."""
        path = f"/inexplicit_number_orders/{segment(order_id, 'order_id')}"
        same = echoes(order_id)
        return self._one("GET", path, BulkOrder, check=lambda o: same(o) or _sane_counts(o))

    def list_bulk_orders(self, *, page_number: int = 1, page_size: int = 20) -> Page[BulkOrder]:
        """One page of bulk orders (flat `page_number` / `page_size` parameters)."""
        params = flat_page_params(page_number, page_size)
        return self._page("/inexplicit_number_orders", BulkOrder, params, check=_sane_counts)

    def iter_bulk_orders(self, *, page_size: int = MAX_PAGE_SIZE) -> Iterator[BulkOrder]:
        """Every bulk order of the account, page by page."""
        check_paging(1, page_size)
        return iter_items(
            lambda n: self.list_bulk_orders(page_number=n, page_size=page_size),
            workers=self.page_workers,
        )

    # -- number orders -------------------------------------------------------------------------

    def create_number_order(
        self,
        phone_numbers: Sequence[str],
        *,
        connection_id: str | None = None,
        messaging_profile_id: str | None = None,
        billing_group_id: str | None = None,
        customer_reference: str | None = None,
    ) -> NumberOrder:
        """Order the given E.164 numbers (POST /number_orders), usually found by a search.

        Like every order POST, it is never re-sent after an ambiguous failure.
        """
        if isinstance(phone_numbers, str) or not phone_numbers:
            raise UsageError("phone_numbers must be a non-empty list of E.164 numbers")
        body: dict[str, object] = {"phone_numbers": [{"phone_number": n} for n in phone_numbers]}
        settings = {
            "connection_id": connection_id,
            "messaging_profile_id": messaging_profile_id,
            "billing_group_id": billing_group_id,
            "customer_reference": customer_reference,
        }
        body |= {k: v for k, v in settings.items() if v is not None}
        return self._one("POST", "/number_orders", NumberOrder, body=body)

    def get_number_order(self, number_order_id: str) -> NumberOrder:
        """One number order with its numbers (GET /number_orders/{number_order_id})."""
        path = f"/number_orders/{segment(number_order_id, 'number_order_id')}"
        return self._one("GET", path, NumberOrder, check=echoes(number_order_id))

    def update_number_order(
        self, number_order_id: str, *, customer_reference: str | NotGiven = NOT_GIVEN
    ) -> NumberOrder:
        """Change a number order's customer reference (PATCH /number_orders/{id}).

        Only given fields are sent, and at least one is required. Like every PATCH here it
        sets a value, so the transport may repeat it safely.

        >>> client.update_number_order(order.id, customer_reference="pool-a").customer_reference
        'pool-a'
        """
        if customer_reference is not NOT_GIVEN and not isinstance(customer_reference, str):
            raise UsageError(f"customer_reference must be a string, not {customer_reference!r}")
        body = given(customer_reference=customer_reference)
        if not body:
            raise UsageError("update_number_order needs at least one field to change")
        path = f"/number_orders/{segment(number_order_id, 'number_order_id')}"
        return self._one("PATCH", path, NumberOrder, body=body, check=echoes(number_order_id))

    def list_number_orders(
        self,
        *,
        status: str | None = None,
        customer_reference: str | None = None,
        page_number: int = 1,
        page_size: int = 20,
    ) -> Page[NumberOrder]:
        """One page of number orders, optionally filtered by status and customer reference."""
        params = filters(status=status, customer_reference=customer_reference)
        params |= deep_page_params(page_number, page_size)
        return self._page("/number_orders", NumberOrder, params)

    def iter_number_orders(
        self,
        *,
        status: str | None = None,
        customer_reference: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[NumberOrder]:
        """Every number order matching the filters, page by page."""
        check_paging(1, page_size)
        fetch = partial(
            self.list_number_orders,
            status=status,
            customer_reference=customer_reference,
            page_size=page_size,
        )
        return iter_items(lambda n: fetch(page_number=n), workers=self.page_workers)

    # -- sub number orders ---------------------------------------------------------------------

    def get_sub_number_order(
        self, sub_number_order_id: str, *, include_phone_numbers: bool = False
    ) -> SubNumberOrder:
        """One sub number order; with `include_phone_numbers`, its first 50 numbers too."""
        path = f"/sub_number_orders/{segment(sub_number_order_id, 'sub_number_order_id')}"
        params = filters(include_phone_numbers=True) if include_phone_numbers else {}
        return self._one(
            "GET", path, SubNumberOrder, params=params, check=echoes(sub_number_order_id)
        )

    def list_sub_number_orders(
        self,
        *,
        order_request_id: str | None = None,
        status: str | None = None,
        country_code: str | None = None,
        phone_number_type: str | None = None,
        page_number: int = 1,
        page_size: int | None = None,
    ) -> Page[SubNumberOrder]:
        """One page of sub number orders (`order_request_id` = the parent number order).

        The spec declares no paging here, so `page[...]` is only sent when asked for: beyond
        page 1, or with an explicit `page_size`.
        """
        params = filters(
            order_request_id=order_request_id,
            status=status,
            country_code=country_code,
            phone_number_type=phone_number_type,
        )
        if page_number > 1 or page_size is not None:
            params |= deep_page_params(page_number, page_size or 20)
        return self._page("/sub_number_orders", SubNumberOrder, params)

    def iter_sub_number_orders(
        self,
        *,
        order_request_id: str | None = None,
        status: str | None = None,
        country_code: str | None = None,
        phone_number_type: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[SubNumberOrder]:
        """Every sub number order matching the filters."""
        check_paging(1, page_size or 20)
        fetch = partial(
            self.list_sub_number_orders,
            order_request_id=order_request_id,
            status=status,
            country_code=country_code,
            phone_number_type=phone_number_type,
            page_size=page_size,
        )
        return iter_items(lambda n: fetch(page_number=n), workers=self.page_workers)
