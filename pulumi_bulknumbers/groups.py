"""Which declared group is which across changes: a group's key, criteria and label.

A pool changes in place, group by group, so each group needs an identity that survives edits:
- a named group (`OrderingGroupArgs(name="support")`) is its name: its criteria, count and
  strategy may all change and it stays the same group;
- an unnamed group is its criteria (country, type, area code, region, locality, features,
  digit pattern): changing its count keeps it, changing its criteria makes it a new group (the
  new numbers are bought first, then the old group's numbers are released).
Either way, reordering the list changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

CRITERIA_KEYS = (
    "country_iso",
    "phone_number_type",
    "national_destination_code",
    "administrative_area",
    "locality",
    "features",
    "phone_number",
)
"""What a number was bought with: a change to any of these means different numbers."""

FUTURE_ONLY_KEYS = ("strategy", "quickship", "exclude_held_numbers")
"""How the next order searches: changing these buys and releases nothing."""


def criteria(group: Mapping[str, Any]) -> dict[str, Any]:
    """The group's search criteria in canonical form (features sorted, empty values dropped)."""
    out: dict[str, Any] = {}
    for key in CRITERIA_KEYS:
        value = group.get(key)
        if value is None or value == [] or value == {}:
            continue
        out[key] = sorted(value) if key == "features" else value
    return out


def group_key(group: Mapping[str, Any]) -> str:
    """The group's identity: `name:<name>`, or `criteria:<canonical criteria JSON>`."""
    name = group.get("name")
    if name:
        return f"name:{name}"
    return "criteria:" + json.dumps(criteria(group), sort_keys=True, separators=(",", ":"))


def group_label(group: Mapping[str, Any]) -> str:
    """How messages name a group: `'support'`, or its criteria in words (`US local 212`)."""
    if group.get("name"):
        return repr(str(group["name"]))
    return describe_criteria(criteria(group))


def describe_criteria(crit: Mapping[str, Any]) -> str:
    """Criteria in words, e.g. `US local 212 NY features sms,voice`."""
    parts = [str(crit.get("country_iso", "?")), str(crit.get("phone_number_type", "?"))]
    for key in ("national_destination_code", "administrative_area", "locality"):
        if crit.get(key):
            parts.append(str(crit[key]))
    if crit.get("features"):
        parts.append("features " + ",".join(crit["features"]))
    pattern = crit.get("phone_number") or {}
    for key, value in sorted(pattern.items()):
        parts.append(f"{key} {value}")
    return " ".join(parts)


def criteria_change(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """What differs between two criteria, in words (`national_destination_code 212 -> 646`)."""
    keys = [k for k in CRITERIA_KEYS if old.get(k) != new.get(k)]
    return ", ".join(f"{k} {_show(old.get(k))} -> {_show(new.get(k))}" for k in keys)


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, Mapping):
        return ",".join(f"{k}={v}" for k, v in sorted(value.items()))
    return str(value)


def default_reference(pool_key: str) -> str:
    """The label put on a pool's numbers when the user sets no customer_reference."""
    return "bulknumbers-" + hashlib.sha256(pool_key.encode()).hexdigest()[:16]
