"""The declared inputs of a BulkNumberOrder: validation (check) and canonical form (diff).

`validate_inputs` is what `check` runs at preview and up: no network, one failure per bad field,
each naming its property path (`ordering_groups[1].country_iso`) and what is allowed. Values
that preview cannot know yet (`pulumi.output.Unknown`) pass through unchecked.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown

from pulumi_bulknumbers.groups import group_key

MAX_NUMBERS_PER_ORDER = 10_000
MAX_WAIT_SECONDS = 7 * 24 * 3600
DEFAULT_WAIT_SECONDS = 1800

COUNTRIES = ("US", "CA")
NUMBER_TYPES = ("local", "toll_free")
STRATEGIES = ("always", "never")
FEATURES = (
    "sms",
    "mms",
    "voice",
    "fax",
    "emergency",
    "hd_voice",
    "international_sms",
    "local_calling",
)
TOLL_FREE_CODES = ("800", "833", "844", "855", "866", "877", "888")
# Written as one string each, split at import: 60 two-letter codes read best as a block.
US_AREAS = tuple(
    "AK AL AR AZ CA CO CT DC DE FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE "  # noqa: SIM905
    "NH NJ NM NV NY OH OK OR PA RI SC SD TN TX UT VA VT WA WI WV WY PR VI GU AS MP".split()
)
CA_AREAS = tuple("AB BC MB NB NL NS NT NU ON PE QC SK YT".split())  # noqa: SIM905
AREAS = {"US": US_AREAS, "CA": CA_AREAS}

SETTINGS = ("connection_id", "messaging_profile_id", "billing_group_id", "customer_reference")
"""Order-level settings: applied to every number bought, and changed in place."""

GROUP_KEYS = (
    "name",
    "country_iso",
    "phone_number_type",
    "count_requested",
    "national_destination_code",
    "administrative_area",
    "locality",
    "features",
    "phone_number",
    "strategy",
    "quickship",
    "exclude_held_numbers",
)
PATTERN_KEYS = ("starts_with", "ends_with", "contains")
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

_NPA = re.compile(r"[2-9][0-9]{2}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")
_DIGITS = re.compile(r"[0-9]{1,10}")


@dataclass(frozen=True)
class Failure:
    """One bad input: the property path and what is allowed there."""

    path: str
    reason: str


def is_unknown(value: Any) -> bool:
    """Whether `value` is (or holds) a value that preview cannot know yet."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False


def _allowed(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(values)


def _whole_number(value: Any) -> int | None:
    """An int from an int or a whole float (numbers cross gRPC as floats); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


class _Checker:
    """Collects failures while walking the inputs."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []

    def fail(self, path: str, reason: str) -> None:
        self.failures.append(Failure(path, reason))

    def unknown_keys(self, data: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in data:
            if key not in allowed and key != "__provider":
                self.fail(f"{prefix}{key}", f"is not a known input; allowed: {_allowed(allowed)}")

    def enum(self, data: Mapping[str, Any], key: str, path: str, allowed: tuple[str, ...]) -> None:
        value = data.get(key)
        if value is None or is_unknown(value):
            return
        if value not in allowed:
            self.fail(path, f"must be one of {_allowed(allowed)} (got {value!r})")

    def text(self, data: Mapping[str, Any], key: str, path: str, max_len: int = 255) -> None:
        value = data.get(key)
        if value is None or is_unknown(value):
            return
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"must be a non-empty string (got {value!r})")
        elif len(value) > max_len:
            self.fail(path, f"must be at most {max_len} characters (got {len(value)})")

    def flag(self, data: Mapping[str, Any], key: str, path: str) -> None:
        value = data.get(key)
        if value is not None and not is_unknown(value) and not isinstance(value, bool):
            self.fail(path, f"must be true or false (got {value!r})")


def _check_group(c: _Checker, group: Any, i: int) -> int:
    """Check one ordering group; return its count (0 when unknown or invalid)."""
    at = f"ordering_groups[{i}]"
    if is_unknown(group) and not isinstance(group, Mapping):
        return 0
    if not isinstance(group, Mapping):
        c.fail(at, "must be an ordering group (OrderingGroupArgs or a mapping)")
        return 0
    c.unknown_keys(group, GROUP_KEYS, f"{at}.")
    for key in ("country_iso", "phone_number_type", "count_requested"):
        if group.get(key) is None:
            c.fail(f"{at}.{key}", "is required")
    c.enum(group, "country_iso", f"{at}.country_iso", COUNTRIES)
    c.enum(group, "phone_number_type", f"{at}.phone_number_type", NUMBER_TYPES)
    c.enum(group, "strategy", f"{at}.strategy", STRATEGIES)
    c.flag(group, "quickship", f"{at}.quickship")
    c.flag(group, "exclude_held_numbers", f"{at}.exclude_held_numbers")
    name = group.get("name")
    if name is not None and not is_unknown(name) and not _is_name(name):
        c.fail(
            f"{at}.name",
            "must be 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or "
            f"digit (got {name!r})",
        )
    c.text(group, "locality", f"{at}.locality", max_len=100)

    count = 0
    raw = group.get("count_requested")
    if raw is not None and not is_unknown(raw):
        whole = _whole_number(raw)
        if whole is None or whole < 1 or whole > MAX_NUMBERS_PER_ORDER:
            c.fail(
                f"{at}.count_requested",
                f"must be a whole number from 1 to {MAX_NUMBERS_PER_ORDER:,} (got {raw!r})",
            )
        else:
            count = whole

    _check_area_code(c, group, at)
    _check_area(c, group, at)
    _check_features(c, group.get("features"), f"{at}.features")
    _check_pattern(c, group.get("phone_number"), f"{at}.phone_number")
    return count


def _check_area_code(c: _Checker, group: Mapping[str, Any], at: str) -> None:
    ndc = group.get("national_destination_code")
    if ndc is None or is_unknown(ndc):
        return
    path = f"{at}.national_destination_code"
    if not isinstance(ndc, str) or not _NPA.fullmatch(ndc):
        c.fail(path, f"must be a 3-digit North American area code such as '212' (got {ndc!r})")
        return
    kind = group.get("phone_number_type")
    if kind == "toll_free" and ndc not in TOLL_FREE_CODES:
        c.fail(path, f"a toll_free group takes a toll-free code: {_allowed(TOLL_FREE_CODES)}")
    if kind == "local" and ndc in TOLL_FREE_CODES:
        c.fail(
            path, f"{ndc} is a toll-free code; use phone_number_type 'toll_free' or a local code"
        )


def _check_area(c: _Checker, group: Mapping[str, Any], at: str) -> None:
    area = group.get("administrative_area")
    if area is None or is_unknown(area):
        return
    country = group.get("country_iso")
    allowed = AREAS.get(country) if isinstance(country, str) else None
    path = f"{at}.administrative_area"
    if allowed is None:
        if not isinstance(area, str) or not re.fullmatch(r"[A-Z]{2}", area):
            c.fail(path, f"must be a 2-letter state or province code such as 'NY' (got {area!r})")
    elif area not in allowed:
        c.fail(path, f"must be a {country} state or province code: {_allowed(allowed)}")


def _check_features(c: _Checker, features: Any, path: str) -> None:
    if features is None or is_unknown(features):
        return
    if not isinstance(features, list | tuple):
        c.fail(path, f"must be a list of features from {_allowed(FEATURES)}")
        return
    seen: set[str] = set()
    for j, feature in enumerate(features):
        if is_unknown(feature):
            continue
        if feature not in FEATURES:
            c.fail(f"{path}[{j}]", f"must be one of {_allowed(FEATURES)} (got {feature!r})")
        elif feature in seen:
            c.fail(f"{path}[{j}]", f"{feature!r} is listed twice")
        else:
            seen.add(feature)


def _check_pattern(c: _Checker, pattern: Any, path: str) -> None:
    if pattern is None or is_unknown(pattern):
        return
    if not isinstance(pattern, Mapping):
        c.fail(path, "must be a mapping with starts_with, ends_with and/or contains")
        return
    c.unknown_keys(pattern, PATTERN_KEYS, f"{path}.")
    for key in PATTERN_KEYS:
        value = pattern.get(key)
        if value is None or is_unknown(value):
            continue
        if not isinstance(value, str) or not _DIGITS.fullmatch(value):
            c.fail(f"{path}.{key}", f"must be 1 to 10 digits, no '+' or wildcards (got {value!r})")


def validate_inputs(news: Mapping[str, Any]) -> list[Failure]:
    """Every problem with the declared inputs, one Failure per bad field; [] when valid."""
    c = _Checker()
    c.unknown_keys(news, TOP_KEYS, "")
    groups = news.get("ordering_groups")
    if groups is None:
        c.fail("ordering_groups", "is required: at least one ordering group")
    elif not is_unknown(groups) or isinstance(groups, list | tuple):
        if not isinstance(groups, list | tuple) or not groups:
            c.fail("ordering_groups", "must be a non-empty list of ordering groups")
        else:
            total = sum(_check_group(c, group, i) for i, group in enumerate(groups))
            _check_identities(c, groups)
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


def _check_identities(c: _Checker, groups: list[Any] | tuple[Any, ...]) -> None:
    """Names are unique; unnamed groups differ in criteria (that is how changes match them)."""
    seen: dict[str, int] = {}
    for i, group in enumerate(groups):
        if not isinstance(group, Mapping) or is_unknown(group):
            continue
        name = group.get("name")
        if name is not None and not isinstance(name, str):
            continue
        key = group_key(group)
        if key in seen:
            if name:
                c.fail(f"ordering_groups[{i}].name", f"{name!r} is already group {seen[key]}'s")
            else:
                c.fail(
                    f"ordering_groups[{i}]",
                    f"has the same criteria as group {seen[key]}; merge them into one group or "
                    "give each a name",
                )
        else:
            seen[key] = i


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and bool(_NAME.fullmatch(value))


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _check_wait(c: _Checker, wait: Any) -> None:
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
            out[key] = [_normalize_group(g) if isinstance(g, Mapping) else g for g in value]
        elif key == "wait_timeout_seconds":
            whole = _whole_number(value)
            out[key] = whole if whole is not None else value
        elif value is not None:
            out[key] = value
    return out


def _normalize_group(group: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in group.items():
        if value is None:
            continue
        if key == "count_requested":
            whole = _whole_number(value)
            out[key] = whole if whole is not None else value
        elif key == "phone_number" and isinstance(value, Mapping):
            pattern = {k: v for k, v in value.items() if v is not None}
            if pattern:
                out[key] = pattern
        elif key == "features" and isinstance(value, list | tuple):
            out[key] = list(value)
        else:
            out[key] = value
    return out
