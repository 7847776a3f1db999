"""Shared input tables for the provider tests: valid programs' inputs and invalid ones."""

from __future__ import annotations

from typing import Any

GROUP: dict[str, Any] = {"country_iso": "US", "phone_number_type": "local", "count_requested": 5}


def inputs(*groups: dict[str, Any], **top: Any) -> dict[str, Any]:
    """Resource inputs with the given groups (one default group when none)."""
    return {"ordering_groups": list(groups) or [dict(GROUP)], "pool_key": "p/s/pool", **top}


def group(**fields: Any) -> dict[str, Any]:
    """The default group with some fields changed (None removes a field)."""
    out = {**GROUP, **fields}
    return {k: v for k, v in out.items() if v is not None}


# (id, inputs, the property path the failure must name)
INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("no-groups-key", {"pool_key": "p/s/x"}, "ordering_groups"),
    ("empty-groups", inputs() | {"ordering_groups": []}, "ordering_groups"),
    ("groups-not-list", inputs() | {"ordering_groups": "US"}, "ordering_groups"),
    ("group-not-mapping", inputs() | {"ordering_groups": [5]}, "ordering_groups[0]"),
    ("country-mx", inputs(group(country_iso="MX")), "ordering_groups[0].country_iso"),
    ("country-lowercase", inputs(group(country_iso="us")), "ordering_groups[0].country_iso"),
    ("country-missing", inputs(group(country_iso=None)), "ordering_groups[0].country_iso"),
    (
        "type-unknown",
        inputs(group(phone_number_type="landline")),
        "ordering_groups[0].phone_number_type",
    ),
    ("type-missing", inputs(group(phone_number_type=None)), "ordering_groups[0].phone_number_type"),
    ("count-missing", inputs(group(count_requested=None)), "ordering_groups[0].count_requested"),
    ("count-zero", inputs(group(count_requested=0)), "ordering_groups[0].count_requested"),
    ("count-negative", inputs(group(count_requested=-3)), "ordering_groups[0].count_requested"),
    ("count-fraction", inputs(group(count_requested=2.5)), "ordering_groups[0].count_requested"),
    ("count-string", inputs(group(count_requested="five")), "ordering_groups[0].count_requested"),
    ("count-bool", inputs(group(count_requested=True)), "ordering_groups[0].count_requested"),
    ("count-too-big", inputs(group(count_requested=10_001)), "ordering_groups[0].count_requested"),
    (
        "total-too-big",
        inputs(group(count_requested=6000), group(count_requested=4001, name="b")),
        "ordering_groups",
    ),
    ("strategy-unknown", inputs(group(strategy="sometimes")), "ordering_groups[0].strategy"),
    ("feature-unknown", inputs(group(features=["telepathy"])), "ordering_groups[0].features[0]"),
    ("feature-twice", inputs(group(features=["sms", "sms"])), "ordering_groups[0].features[1]"),
    ("features-not-list", inputs(group(features="sms")), "ordering_groups[0].features"),
    (
        "area-code-letters",
        inputs(group(national_destination_code="2l2")),
        "ordering_groups[0].national_destination_code",
    ),
    (
        "area-code-short",
        inputs(group(national_destination_code="21")),
        "ordering_groups[0].national_destination_code",
    ),
    (
        "area-code-toll-free-for-local",
        inputs(group(national_destination_code="800")),
        "ordering_groups[0].national_destination_code",
    ),
    (
        "area-code-local-for-toll-free",
        inputs(group(phone_number_type="toll_free", national_destination_code="212")),
        "ordering_groups[0].national_destination_code",
    ),
    (
        "state-unknown",
        inputs(group(administrative_area="ZZ")),
        "ordering_groups[0].administrative_area",
    ),
    (
        "province-for-us",
        inputs(group(administrative_area="ON")),
        "ordering_groups[0].administrative_area",
    ),
    (
        "pattern-plus",
        inputs(group(phone_number={"starts_with": "+1212"})),
        "ordering_groups[0].phone_number.starts_with",
    ),
    (
        "pattern-wildcard",
        inputs(group(phone_number={"contains": "55*"})),
        "ordering_groups[0].phone_number.contains",
    ),
    (
        "pattern-unknown-key",
        inputs(group(phone_number={"matches": "555"})),
        "ordering_groups[0].phone_number.matches",
    ),
    ("quickship-string", inputs(group(quickship="yes")), "ordering_groups[0].quickship"),
    ("group-unknown-key", inputs(group(area_code="212")), "ordering_groups[0].area_code"),
    ("top-unknown-key", inputs(count=5), "count"),
    ("connection-empty", inputs(connection_id=""), "connection_id"),
    ("reference-not-string", inputs(customer_reference=42), "customer_reference"),
    ("wait-negative", inputs(wait_timeout_seconds=-1), "wait_timeout_seconds"),
    ("wait-string", inputs(wait_timeout_seconds="soon"), "wait_timeout_seconds"),
    ("adopt-not-uuid", inputs(adopt_order_id="order-1"), "adopt_order_id"),
    ("name-spaces", inputs(group(name="new york")), "ordering_groups[0].name"),
    ("name-not-string", inputs(group(name=7)), "ordering_groups[0].name"),
    (
        "name-twice",
        inputs(group(name="a"), group(name="a", national_destination_code="213")),
        "ordering_groups[1].name",
    ),
    ("unnamed-same-criteria", inputs(group(), group(count_requested=2)), "ordering_groups[1]"),
    ("lock-string", inputs(deletion_lock="yes"), "deletion_lock"),
    ("inventory-check-number", inputs(inventory_check=1), "inventory_check"),
    (
        "second-group-bad",
        inputs(group(), group(country_iso="GB")),
        "ordering_groups[1].country_iso",
    ),
]
