"""The routing table: (method, path pattern) -> handler. Handlers parse the request, call the
backend and shape the JSON answer; they hold no state."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pulumi_bulknumbers.sandbox.apierror import ApiError
from pulumi_bulknumbers.sandbox.render import pagination_meta
from pulumi_bulknumbers.sandbox.state import Backend
from pulumi_bulknumbers.sandbox.validation import json_body, page, parse_bulk_order, query_bool

__all__ = ["ROUTES", "Request", "Result", "match"]

Result = tuple[int, dict[str, Any]]
_FILTER = re.compile(r"filter\[([^\]]+)\](.*)")
_JOB_TYPES = ("update_emergency_settings", "delete_phone_numbers", "update_phone_numbers")


@dataclass(frozen=True)
class Request:
    """What a handler sees: the path arguments, flattened query parameters and raw body."""

    method: str
    path: str
    params: dict[str, str]
    content: bytes = b""
    args: dict[str, str] = field(default_factory=dict)
    flaky: int | None = None
    """The seed of a ``job_partial_failure`` fault striking this request, if one does."""

    def body(self) -> dict[str, Any]:
        """The JSON object body (400 when it is not one)."""
        return json_body(self.content)

    def filters(self) -> dict[str, str]:
        """``filter[a][b]=v`` parameters as ``{"a[b]": "v"}``."""
        found: dict[str, str] = {}
        for key, value in self.params.items():
            m = _FILTER.fullmatch(key)
            if m:
                # filter[features][]=sms&filter[features][]=voice is filter[features]=sms,voice.
                name = (m.group(1) + m.group(2)).removesuffix("[]")
                found[name] = f"{found[name]},{value}" if name in found else value
        return found


def _uuid(value: str) -> str:
    try:
        uuid.UUID(value)
    except ValueError:
        raise ApiError.of(
            400, "10006", f"{value!r} is not a valid ID (a UUID).", parameter="id"
        ) from None
    return value


def _paged(items: list[dict[str, Any]], total: int, number: int, size: int) -> Result:
    return 200, {"data": items, "meta": pagination_meta(total, number, size)}


def list_bulk(b: Backend, r: Request) -> Result:
    number, size = page(r.params, flat=True)
    return _paged(*b.orders.list_bulk(number, size), number, size)


def create_bulk(b: Backend, r: Request) -> Result:
    return 200, {"data": b.orders.create_bulk(parse_bulk_order(r.body()))}


def get_bulk(b: Backend, r: Request) -> Result:
    return 200, {"data": b.orders.get_bulk(_uuid(r.args["id"]))}


def list_number_orders(b: Backend, r: Request) -> Result:
    number, size = page(r.params)
    filters = r.filters()
    query_bool(r.params, "filter[requirements_met]")
    return _paged(*b.number_orders.list_orders(filters, number, size), number, size)


def create_number_order(b: Backend, r: Request) -> Result:
    return 200, {"data": b.number_orders.create(r.body())}


def get_number_order(b: Backend, r: Request) -> Result:
    return 200, {"data": b.number_orders.get(r.args["id"])}


def patch_number_order(b: Backend, r: Request) -> Result:
    return 200, {"data": b.number_orders.update(r.args["id"], r.body())}


def list_subs(b: Backend, r: Request) -> Result:
    # The spec declares no paging here; page[...] is honoured when sent.
    number, size = page(r.params)
    items = b.number_orders.list_subs(r.filters())
    start = (number - 1) * size
    return _paged(items[start : start + size], len(items), number, size)


def get_sub(b: Backend, r: Request) -> Result:
    include = query_bool(r.params, "filter[include_phone_numbers]")
    return 200, {"data": b.number_orders.get_sub(r.args["id"], include_phone_numbers=bool(include))}


def list_numbers(b: Backend, r: Request) -> Result:
    number, size = page(r.params)
    return _paged(
        *b.numbers.list_numbers(r.filters(), r.params.get("sort"), number, size), number, size
    )


def get_number(b: Backend, r: Request) -> Result:
    return 200, {"data": b.numbers.get(r.args["id"])}


def patch_number(b: Backend, r: Request) -> Result:
    return 200, {"data": b.numbers.update(r.args["id"], r.body())}


def delete_number(b: Backend, r: Request) -> Result:
    return 200, {"data": b.numbers.delete(r.args["id"])}


def get_messaging(b: Backend, r: Request) -> Result:
    return 200, {"data": b.numbers.messaging(r.args["id"])}


def patch_messaging(b: Backend, r: Request) -> Result:
    return 200, {"data": b.numbers.update_messaging(r.args["id"], r.body())}


def list_jobs(b: Backend, r: Request) -> Result:
    number, size = page(r.params)
    kind = r.filters().get("type")
    if kind is not None and kind not in _JOB_TYPES:
        raise ApiError.of(
            422, "10015", f"filter[type] must be one of: {', '.join(_JOB_TYPES)}.",
            parameter="filter[type]",
        )  # fmt: skip
    if r.params.get("sort", "created_at") != "created_at":
        raise ApiError.of(422, "10015", "The value provided for sorting is not valid.",
                          title="Invalid sorting value", pointer="/sort")  # fmt: skip
    return _paged(*b.jobs.list_jobs(kind, number, size), number, size)


def get_job(b: Backend, r: Request) -> Result:
    return 200, {"data": b.jobs.get(r.args["id"])}


def delete_job(b: Backend, r: Request) -> Result:
    return 202, {"data": b.jobs.create("delete_phone_numbers", r.body(), {}, flaky=r.flaky)}


def update_job(b: Backend, r: Request) -> Result:
    job = b.jobs.create("update_phone_numbers", r.body(), r.filters(), flaky=r.flaky)
    return 202, {"data": job}


def create_messaging_update(b: Backend, r: Request) -> Result:
    return 200, {"data": b.jobs.create_messaging(r.body())}


def get_messaging_update(b: Backend, r: Request) -> Result:
    return 200, {"data": b.jobs.get_messaging(r.args["id"])}


def coverage(b: Backend, r: Request) -> Result:
    items = b.catalog.coverage(r.filters())
    return 200, {"data": items, "meta": {"total_results": len(items)}}


def available(b: Backend, r: Request) -> Result:
    items, total = b.catalog.available(r.filters())
    meta = {"total_results": total, "best_effort_results": 0}
    return 200, {"data": items, "meta": meta, "metadata": meta}


Handler = Callable[[Backend, Request], Result]
_ID = r"(?P<id>[^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    (method, re.compile(pattern), handler)
    for method, pattern, handler in (
        ("GET", "/inexplicit_number_orders", list_bulk),
        ("POST", "/inexplicit_number_orders", create_bulk),
        ("GET", f"/inexplicit_number_orders/{_ID}", get_bulk),
        ("GET", "/number_orders", list_number_orders),
        ("POST", "/number_orders", create_number_order),
        ("GET", f"/number_orders/{_ID}", get_number_order),
        ("PATCH", f"/number_orders/{_ID}", patch_number_order),
        ("GET", "/sub_number_orders", list_subs),
        ("GET", f"/sub_number_orders/{_ID}", get_sub),
        ("GET", "/phone_numbers/jobs", list_jobs),
        ("POST", "/phone_numbers/jobs/delete_phone_numbers", delete_job),
        ("POST", "/phone_numbers/jobs/update_phone_numbers", update_job),
        ("GET", f"/phone_numbers/jobs/{_ID}", get_job),
        ("GET", "/phone_numbers", list_numbers),
        ("GET", f"/phone_numbers/{_ID}/messaging", get_messaging),
        ("PATCH", f"/phone_numbers/{_ID}/messaging", patch_messaging),
        ("GET", f"/phone_numbers/{_ID}", get_number),
        ("PATCH", f"/phone_numbers/{_ID}", patch_number),
        ("DELETE", f"/phone_numbers/{_ID}", delete_number),
        ("POST", "/messaging_numbers_bulk_updates", create_messaging_update),
        ("GET", f"/messaging_numbers_bulk_updates/{_ID}", get_messaging_update),
        ("GET", "/inventory_coverage", coverage),
        ("GET", "/available_phone_numbers", available),
    )
]


def match(method: str, path: str, shown: str = "") -> tuple[Handler, dict[str, str]]:
    """The handler for a request path (relative to ``/v2``); 405 or 404 in the envelope
    (whose detail names ``shown``, the path as requested, or else ``path``)."""
    shown = shown or path
    allowed = []
    for verb, pattern, handler in ROUTES:
        m = pattern.fullmatch(path)
        if m and verb == method:
            return handler, m.groupdict()
        if m:
            allowed.append(verb)
    if allowed:
        raise ApiError(
            405,
            ApiError.of(405, "10015", f"{method} is not supported on {shown}.",
                        title="Method not allowed").items,
            {"Allow": ", ".join(sorted(set(allowed)))},
        )  # fmt: skip
    raise ApiError.of(
        404, "10005", f"No route matches {method} {shown}.", title="Route not found",
        pointer="/base",
    )  # fmt: skip
