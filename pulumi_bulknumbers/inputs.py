"""The declared inputs of a BulkNumberOrder: validation (check) and canonical form (diff).

`validate_inputs` is what `check` runs at preview and up: no network, one failure per bad field,
each naming its property path (`ordering_groups[1].country_iso`) and what is allowed. Values
that preview cannot know yet (`pulumi.output.Unknown`) pass through unchecked.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from pulumi_bulknumbers._checks import Checker, Failure, is_unknown, whole_number
from pulumi_bulknumbers.group_inputs import (
    MAX_NUMBERS_PER_ORDER,
    check_group,
    check_identities,
    normalize_group,
)

__all__ = ["Failure", "is_unknown", "normalize", "validate_inputs"]

MAX_WAIT_SECONDS = 7 * 24 * 3600
DEFAULT_WAIT_SECONDS = 1800

SETTINGS = ("connection_id", "messaging_profile_id", "billing_group_id", "customer_reference")
"""Order-level settings: applied to every number bought, and changed in place."""
TOP_KEYS = (
    "ordering_groups",
    *SETTINGS,
    "wait_timeout_seconds",
    "adopt_order_id",
    "deletion_lock",
    "inventory_check",
    "pool_key",
)
"""Every input key the provider accepts. `pool_key` is set by the resource class, not the user."""


def validate_inputs(news: Mapping[str, Any]) -> list[Failure]:
    """Every problem with the declared inputs, one Failure per bad field; [] when valid."""
    c = Checker()
    c.unknown_keys(news, TOP_KEYS, "")
    groups = news.get("ordering_groups")
    if groups is None:
        c.fail("ordering_groups", "is required: at least one ordering group")
    elif not is_unknown(groups) or isinstance(groups, list | tuple):
        if not isinstance(groups, list | tuple) or not groups:
            c.fail("ordering_groups", "must be a non-empty list of ordering groups")
        else:
            total = sum(check_group(c, group, i) for i, group in enumerate(groups))
            check_identities(c, groups)
            if total > MAX_NUMBERS_PER_ORDER:
                c.fail(
                    "ordering_groups",
                    f"ask for at most {MAX_NUMBERS_PER_ORDER:,} numbers in all (got {total:,}); "
                    "split the pool into several resources",
                )
    for key in SETTINGS:
        c.text(news, key, key)
    c.flag(news, "deletion_lock", "deletion_lock")
    c.flag(news, "inventory_check", "inventory_check")
    _check_wait(c, news.get("wait_timeout_seconds"))
    adopt = news.get("adopt_order_id")
    if adopt is not None and not is_unknown(adopt) and not _is_uuid(adopt):
        c.fail("adopt_order_id", f"must be a bulk order id, a UUID (got {adopt!r})")
    return c.failures


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _check_wait(c: Checker, wait: Any) -> None:
    if wait is None or is_unknown(wait):
        return
    ok = not isinstance(wait, bool) and isinstance(wait, int | float)
    if not ok or not 0 <= wait <= MAX_WAIT_SECONDS:
        c.fail(
            "wait_timeout_seconds",
            f"must be a number of seconds from 0 to {MAX_WAIT_SECONDS} (got {wait!r})",
        )


def normalize(news: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical form of valid inputs: whole numbers as ints, None and empty values dropped.

    Canonical inputs make diff exact: `5` and `5.0` (gRPC's number) are the same count.
    """
    out: dict[str, Any] = {}
    for key, value in news.items():
        if key == "ordering_groups" and isinstance(value, list | tuple):
            out[key] = [normalize_group(g) if isinstance(g, Mapping) else g for g in value]
        elif key == "wait_timeout_seconds":
            whole = whole_number(value)
            out[key] = whole if whole is not None else value
        elif value is not None:
            out[key] = value
    return out
