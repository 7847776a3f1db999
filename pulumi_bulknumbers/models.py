"""Pydantic models for what the client sends to Telnyx and what it receives.

What we send is strict (`extra="forbid"`): a typo is an error, not a silently dropped field.
What we receive is tolerant (`extra="ignore"`, `null` read as "absent", unknown status strings
kept as they are), because Telnyx adds fields and values without notice.

Wire traps handled here (see the reference, sections 1 and 2):
- `count_requested` is sent as a decimal *string* and comes back as an integer;
- the request nests `phone_number: {starts_with, ...}`, the response flattens it into
  `phone_number[starts_with]` keys; both parse into `OrderingGroup.phone_number`;
- `orders[].sub_number_order_ids` on bulk orders, but `sub_number_orders_ids` on number orders;
- a bulk order has no status of its own: `BulkOrder.status` folds the groups' statuses.

>>> request = BulkOrderRequest(
...     ordering_groups=[OrderingGroupRequest(country_iso="US", phone_number_type="local",
...                                           count_requested=5)])
>>> request.to_json()["ordering_groups"][0]["count_requested"]
'5'
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from pulumi_bulknumbers._number_models import (
    AvailablePhoneNumber,
    CostInformation,
    InventoryCoverage,
    JobFailedOperation,
    JobPhoneNumber,
    JobStatus,
    MessagingBulkUpdate,
    NumberOrder,
    NumberOrderPhoneNumber,
    NumberOrderStatus,
    PhoneNumber,
    PhoneNumberMessagingSettings,
    PhoneNumbersJob,
    PhoneNumberStatus,
    RegionInformation,
    SubNumberOrder,
)
from pulumi_bulknumbers._wire import Received, Sent, TelnyxErrorDetail

__all__ = [
    "AvailablePhoneNumber",
    "BulkOrder",
    "BulkOrderRequest",
    "CostInformation",
    "GroupOrder",
    "GroupStatus",
    "InventoryCoverage",
    "JobFailedOperation",
    "JobPhoneNumber",
    "JobStatus",
    "MessagingBulkUpdate",
    "NumberOrder",
    "NumberOrderPhoneNumber",
    "NumberOrderStatus",
    "OrderStatus",
    "OrderingGroup",
    "OrderingGroupRequest",
    "PaginationMeta",
    "PhoneNumber",
    "PhoneNumberMessagingSettings",
    "PhoneNumberPattern",
    "PhoneNumberStatus",
    "PhoneNumbersJob",
    "RegionInformation",
    "SubNumberOrder",
    "TelnyxErrorDetail",
]

GroupStatus = Literal["pending", "processing", "success", "partial_success", "failed"]
"""Status of one ordering group of a bulk order."""

OrderStatus = GroupStatus
"""Status of a whole bulk order, folded from its groups (`BulkOrder.status`)."""

_GROUP_TERMINAL = frozenset({"success", "partial_success", "failed"})


class PaginationMeta(Received):
    """`meta` of a paged list: where this page sits in the whole result."""

    page_number: int = 1
    page_size: int = 20
    total_pages: int = 1
    total_results: int = 0


class PhoneNumberPattern(BaseModel):
    """Digits a number must start with, end with or contain (all optional)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    starts_with: str | None = None
    ends_with: str | None = None
    contains: str | None = None


class OrderingGroupRequest(Sent):
    """One group of a bulk order to send: how many numbers of which kind, and where."""

    country_iso: Literal["US", "CA"]
    phone_number_type: str
    count_requested: int = Field(ge=1, le=10_000)
    national_destination_code: str | None = None
    administrative_area: str | None = None
    locality: str | None = None
    features: list[str] | None = None
    phone_number: PhoneNumberPattern | None = None
    strategy: Literal["always", "never"] | None = None
    quickship: bool | None = None
    exclude_held_numbers: bool | None = None

    @field_serializer("count_requested")
    def _count_as_string(self, value: int) -> str:
        # The spec and every Telnyx SDK type the request's count as a string.
        return str(value)


class BulkOrderRequest(Sent):
    """The body of POST /inexplicit_number_orders."""

    ordering_groups: list[OrderingGroupRequest] = Field(min_length=1)
    connection_id: str | None = None
    messaging_profile_id: str | None = None
    billing_group_id: str | None = None
    customer_reference: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The wire body: JSON-ready, unset fields left out, counts as strings."""
        return self.model_dump(mode="json", exclude_none=True)


class GroupOrder(Received):
    """A number order created to fulfil an ordering group, with its sub orders."""

    number_order_id: str
    sub_number_order_ids: list[str] = []


class OrderingGroup(Received):
    """One group of a bulk order as Telnyx reports it."""

    _PATTERN_KEYS: ClassVar[tuple[str, ...]] = ("starts_with", "ends_with", "contains")

    country_iso: str | None = None
    phone_number_type: str | None = None
    count_requested: int = 0
    count_allocated: int = 0
    status: GroupStatus | str = "pending"
    strategy: str | None = None
    national_destination_code: str | None = None
    administrative_area: str | None = None
    phone_number: PhoneNumberPattern | None = None
    quickship: bool | None = None
    exclude_held_numbers: bool | None = None
    error_reason: str | None = None
    orders: list[GroupOrder] = []
    created_at: str | None = None
    updated_at: str | None = None

    @classmethod
    def _prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        # The response flattens the request's nested pattern into literal `phone_number[x]` keys.
        flat = {
            k: data.pop(f"phone_number[{k}]")
            for k in cls._PATTERN_KEYS
            if f"phone_number[{k}]" in data
        }
        nested = data.get("phone_number")
        if isinstance(nested, dict):
            flat = {k: nested[k] for k in cls._PATTERN_KEYS if nested.get(k) is not None} | flat
        flat = {k: v for k, v in flat.items() if v is not None}
        data["phone_number"] = PhoneNumberPattern(**flat) if flat else None
        return data

    @property
    def done(self) -> bool:
        """True once the group reached success, partial_success or failed."""
        return self.status in _GROUP_TERMINAL


class BulkOrder(Received):
    """A bulk ("inexplicit") number order as Telnyx reports it."""

    id: str
    connection_id: str | None = None
    messaging_profile_id: str | None = None
    billing_group_id: str | None = None
    customer_reference: str | None = None
    ordering_groups: list[OrderingGroup] = []
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def status(self) -> OrderStatus:
        """The order's status folded from its groups.

        pending while no group has started; processing while any group is unfinished (unknown
        group statuses count as unfinished); then success if every group succeeded, failed if
        every group failed, partial_success otherwise.
        """
        statuses = [g.status for g in self.ordering_groups]
        if not statuses or all(s == "pending" for s in statuses):
            return "pending"
        if any(s not in _GROUP_TERMINAL for s in statuses):
            return "processing"
        if all(s == "success" for s in statuses):
            return "success"
        if all(s == "failed" for s in statuses):
            return "failed"
        return "partial_success"

    @property
    def done(self) -> bool:
        """True once every group has finished."""
        return self.status in _GROUP_TERMINAL

    @property
    def count_requested(self) -> int:
        """Numbers requested over all groups."""
        return sum(g.count_requested for g in self.ordering_groups)

    @property
    def count_allocated(self) -> int:
        """Numbers obtained so far over all groups."""
        return sum(g.count_allocated for g in self.ordering_groups)

    @property
    def number_order_ids(self) -> list[str]:
        """Ids of the number orders created for this order, in group order, without repeats."""
        ids = (o.number_order_id for g in self.ordering_groups for o in g.orders)
        return list(dict.fromkeys(ids))

    @property
    def sub_number_order_ids(self) -> list[str]:
        """Ids of the sub number orders created for this order, without repeats."""
        ids = (s for g in self.ordering_groups for o in g.orders for s in o.sub_number_order_ids)
        return list(dict.fromkeys(ids))
