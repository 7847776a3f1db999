"""Inventory reads: available-number search and inventory coverage. No HTTP here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_bulknumbers.sandbox.apierror import ApiError
from pulumi_bulknumbers.sandbox.db import Store
from pulumi_bulknumbers.sandbox.inventory import (
    FEATURE_BITS,
    QUICKSHIP,
    Area,
    Criteria,
    Inventory,
    feature_names,
)
from pulumi_bulknumbers.sandbox.orders import load_limits, sold_positions
from pulumi_bulknumbers.sandbox.validation import query_bool, query_int

__all__ = ["Catalog"]

_COVERAGE_COUNTRIES = (
    "AT", "AU", "BE", "BG", "CA", "CH", "CN", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR",
    "GB", "GR", "HU", "HR", "IE", "IT", "LT", "LU", "LV", "NL", "NZ", "MX", "NO", "PL", "PT",
    "RO", "SE", "SG", "SI", "SK", "US",
)  # fmt: skip
_COVERAGE_TYPES = ("local", "toll_free", "national", "mobile", "landline", "shared_cost")
_SEARCH_TYPES = ("local", "toll_free", "mobile", "national", "shared_cost")
_GROUP_BY = ("locality", "npa", "national_destination_code")


def _mask(filters: Mapping[str, str], allowed: tuple[str, ...] | None = None) -> int:
    mask = 0
    for name in filter(None, filters.get("features", "").split(",")):
        if name not in FEATURE_BITS or (allowed and name not in allowed):
            raise ApiError.of(
                422, "10015", f"Unknown feature {name!r}.", parameter="filter[features]"
            )
        mask |= FEATURE_BITS[name]
    return mask


def _choice(filters: Mapping[str, str], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = filters.get(key, default)
    if value not in allowed:
        raise ApiError.of(
            422, "10015", f"filter[{key}] must be one of: {', '.join(allowed)}.",
            parameter=f"filter[{key}]",
        )  # fmt: skip
    return value


class Catalog:
    """What the inventory can still sell, as Telnyx's search and coverage endpoints show it."""

    def __init__(self, store: Store, inventory: Inventory) -> None:
        self.store = store
        self.inventory = inventory

    def available(self, filters: Mapping[str, str]) -> tuple[list[dict[str, Any]], int]:
        """``AvailablePhoneNumber`` items for ``filter[...]`` (at most ``filter[limit]``)."""
        kind = _choice(filters, "phone_number_type", _SEARCH_TYPES, "local")
        limit = query_int(
            {f"filter[{k}]": v for k, v in filters.items()}, "filter[limit]", 50, high=250
        )
        quickship = query_bool({"filter[quickship]": filters.get("quickship", "false")},
                               "filter[quickship]")  # fmt: skip
        criteria = Criteria(
            country=filters.get("country_code", "US"),
            number_type=kind,
            national_destination_code=filters.get("national_destination_code"),
            administrative_area=filters.get("administrative_area"),
            locality=filters.get("locality") or filters.get("rate_center"),
            features=_mask(filters),
            starts_with=filters.get("phone_number[starts_with]"),
            ends_with=filters.get("phone_number[ends_with]"),
            contains=filters.get("phone_number[contains]"),
            quickship=bool(quickship),
        )
        with self.store.lock:
            conn = self.store.conn
            found = self.inventory.search(
                criteria, limit, lambda npa: sold_positions(conn, npa), load_limits(conn)
            )
        items = []
        for c in found:
            regions = [{"region_type": "country_code", "region_name": c.area.country}]
            if c.area.locality:
                regions += [
                    {"region_type": "rate_center", "region_name": c.area.locality.upper()},
                    {"region_type": "state", "region_name": c.area.administrative_area},
                ]
            items.append(
                {
                    "phone_number": c.phone_number,
                    "record_type": "available_phone_number",
                    "vanity_format": "",
                    "best_effort": False,
                    "quickship": bool(c.features & QUICKSHIP),
                    "reservable": True,
                    "region_information": regions,
                    "cost_information": {
                        "upfront_cost": "1.00",
                        "monthly_cost": "1.00" if kind == "local" else "2.00",
                        "currency": "USD",
                    },
                    "features": [{"name": name} for name in feature_names(c.features)],
                }
            )
        return items, len(items)

    def coverage(self, filters: Mapping[str, str]) -> list[dict[str, Any]]:
        """``InventoryCoverage`` groups with stock, by NPA or locality."""
        if "groupBy" not in filters:
            raise ApiError.of(
                422, "10004", "filter[groupBy] is required.", parameter="filter[groupBy]"
            )
        group_by = _choice(filters, "groupBy", _GROUP_BY, "npa")
        country = _choice(filters, "country_code", tuple(_COVERAGE_COUNTRIES), "US")
        kind = _choice(filters, "phone_number_type", _COVERAGE_TYPES, "local")
        need = _mask(filters, ("sms", "mms", "voice", "fax", "emergency"))
        npa = query_int({"npa": filters["npa"]}, "npa", 0, low=200) if "npa" in filters else None
        nxx = query_int({"nxx": filters["nxx"]}, "nxx", 0, low=200) if "nxx" in filters else None
        areas = self.inventory.areas(
            country, kind, str(npa) if npa else None, filters.get("administrative_area")
        )
        groups: dict[str, dict[str, Any]] = {}
        with self.store.lock:
            limits = load_limits(self.store.conn)
            for area in areas:
                count = self._count(area, need, nxx)
                for cap in limits:
                    if cap.applies_to(area, country):
                        count = min(count, cap.remaining)
                key = area.npa if group_by != "locality" else area.locality
                if count <= 0 or not key:
                    continue
                group = groups.setdefault(
                    key,
                    {
                        "group": key,
                        "group_type": group_by,
                        "administrative_area": area.administrative_area or None,
                        "count": 0,
                        "number_range": 1,
                        "number_type": "toll-free" if kind == "toll_free" else "did",
                        "phone_number_type": kind,
                        "coverage_type": "number",
                        "advance_requirements": False,
                        "record_type": "inventory_coverage_group",
                    },
                )
                group["count"] += count
        with_count = query_bool({"c": filters.get("count", "false")}, "c")
        result = []
        for group in groups.values():
            if group["administrative_area"] is None:
                del group["administrative_area"]
            if not with_count:
                del group["count"]
            result.append(group)
        return result

    def _count(self, area: Area, need: int, nxx: int | None) -> int:
        conn = self.store.conn
        if nxx is None:
            sold = conn.execute(
                "SELECT COUNT(*) FROM phone_numbers WHERE npa = ? AND (features & ?) = ?",
                (area.npa, need, need),
            ).fetchone()[0]
            return area.count_with(need) - int(sold)
        taken = sold_positions(conn, area.npa)
        prefix = f"{area.npa}{nxx}"
        return sum(
            1
            for i in range(area.capacity)
            if i not in taken
            and area.features(i) & need == need
            and area.national(i).startswith(prefix)
        )
