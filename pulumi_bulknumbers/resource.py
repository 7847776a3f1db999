"""The user-facing resource: `BulkNumberOrder` and its typed inputs.

>>> pool = BulkNumberOrder(                                            # doctest: +SKIP
...     "support-pool",
...     ordering_groups=[OrderingGroupArgs(country_iso="US", phone_number_type="local",
...                                        count_requested=5, administrative_area="CA")],
... )
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import pulumi
from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from pulumi_bulknumbers.provider import BulkNumberOrderProvider
from pulumi_bulknumbers.state import group_members

OUTPUTS = (
    "order_id",
    "order_ids",
    "orders",
    "status",
    "count_requested",
    "count_allocated",
    "groups",
    "number_order_ids",
    "sub_number_order_ids",
    "phone_numbers",
    "phone_number_ids",
    "created_at",
    "updated_at",
)
"""Computed outputs, seeded as None so the program sees them as attributes."""


@dataclass(frozen=True, kw_only=True)
class PhoneNumberPatternArgs:
    """Digits the numbers must start with, end with or contain (no '+', no wildcards)."""

    starts_with: Input[str] | None = None
    ends_with: Input[str] | None = None
    contains: Input[str] | None = None


@dataclass(frozen=True, kw_only=True)
class OrderingGroupArgs:
    """One ordering group: what to search for and how many numbers to buy.

    Names follow the Telnyx API, so its documentation reads straight across.

    >>> OrderingGroupArgs(country_iso="US", phone_number_type="local", count_requested=5,
    ...                   national_destination_code="212").count_requested
    5
    """

    country_iso: Input[str]
    """US or CA."""
    phone_number_type: Input[str]
    """local or toll_free."""
    count_requested: Input[int]
    """How many numbers this group buys."""
    national_destination_code: Input[str] | None = None
    """The area code, e.g. '212'."""
    administrative_area: Input[str] | None = None
    """The US state or Canadian province, e.g. 'NY' or 'ON'."""
    locality: Input[str] | None = None
    """The city or rate center."""
    features: Input[Sequence[Input[str]]] | None = None
    """Features every number must have: sms, mms, voice, fax, emergency, ..."""
    phone_number: Input[PhoneNumberPatternArgs | Mapping[str, Input[str]]] | None = None
    """Digit patterns: starts_with, ends_with, contains."""
    strategy: Input[str] | None = None
    """always (default: take what there is) or never (all or nothing)."""
    quickship: Input[bool] | None = None
    """Only numbers that need no extra activation time (toll-free)."""
    exclude_held_numbers: Input[bool] | None = None
    """Leave out numbers held or reserved for the account."""
    name: Input[str] | None = None
    """Names the group across changes (unique in the pool): with a name, its count, criteria
    and place in the list can all change and it stays the same group. Without one, a group is
    its criteria."""


def _to_props(value: Any) -> Any:
    """Dataclass args as plain mappings, the shape the provider and the engine expect."""
    if isinstance(value, OrderingGroupArgs | PhoneNumberPatternArgs):
        return {
            f.name: _to_props(getattr(value, f.name))
            for f in fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, Mapping):
        return {k: _to_props(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_props(v) for v in value]
    return value


class BulkNumberOrder(Resource, module="telnyx", name="BulkNumberOrder"):
    """A pool of Telnyx phone numbers bought with bulk (inexplicit) number orders.

    `pulumi up` submits the order and waits for it; refresh re-reads it and the numbers it owns;
    changes apply in place, group by group (top-up orders, newest-first releases) and settings
    change on every number; destroy releases the numbers (use `protect`, `retain_on_delete` or
    `deletion_lock` to keep them).
    """

    order_id: Output[str]
    order_ids: Output[list[str]]
    orders: Output[list[dict[str, Any]]]
    status: Output[str]
    count_requested: Output[int]
    count_allocated: Output[int]
    groups: Output[list[dict[str, Any]]]
    number_order_ids: Output[list[str]]
    sub_number_order_ids: Output[list[str]]
    phone_numbers: Output[list[str]]
    phone_number_ids: Output[list[str]]
    created_at: Output[str]
    updated_at: Output[str]
    ordering_groups: Output[list[dict[str, Any]]]
    connection_id: Output[str | None]
    messaging_profile_id: Output[str | None]
    billing_group_id: Output[str | None]
    customer_reference: Output[str | None]
    deletion_lock: Output[bool | None]

    def __init__(
        self,
        resource_name: str,
        *,
        ordering_groups: Input[Sequence[Input[OrderingGroupArgs | Mapping[str, Any]]]],
        connection_id: Input[str] | None = None,
        messaging_profile_id: Input[str] | None = None,
        billing_group_id: Input[str] | None = None,
        customer_reference: Input[str] | None = None,
        wait_timeout_seconds: Input[float] | None = None,
        adopt_order_id: Input[str] | None = None,
        deletion_lock: Input[bool] | None = None,
        inventory_check: Input[bool] | None = None,
        opts: ResourceOptions | None = None,
    ) -> None:
        """Declare a pool; see OrderingGroupArgs for the per-group criteria."""
        groups = (
            ordering_groups.apply(_to_props)
            if isinstance(ordering_groups, Output)
            else _to_props(ordering_groups)
        )
        props: dict[str, Any] = {
            "ordering_groups": groups,
            "connection_id": connection_id,
            "messaging_profile_id": messaging_profile_id,
            "billing_group_id": billing_group_id,
            "customer_reference": customer_reference,
            "wait_timeout_seconds": wait_timeout_seconds,
            "adopt_order_id": adopt_order_id,
            "deletion_lock": deletion_lock,
            "inventory_check": inventory_check,
            # Names the pool across runs (project/stack/resource): the default label on its
            # numbers, and what recovery after a crash looks for.
            "pool_key": f"{pulumi.get_project()}/{pulumi.get_stack()}/{resource_name}",
        }
        props.update(dict.fromkeys(OUTPUTS))
        super().__init__(BulkNumberOrderProvider(), resource_name, props, opts)

    def group_numbers(self, name: str) -> Output[list[str]]:
        """The numbers the group called `name` holds, oldest purchase first.

        >>> nyc = pool.group_numbers("nyc")                               # doctest: +SKIP
        """

        def pick(values: list[Any]) -> list[str]:
            numbers, groups = values
            for group in groups or []:
                if group.get("name") == name:
                    return group_members(group, numbers or [])
            known = ", ".join(repr(g.get("name")) for g in groups or [] if g.get("name"))
            raise ValueError(f"no group named {name!r} in this pool (named groups: {known})")

        return Output.all(self.phone_numbers, self.groups).apply(pick)
