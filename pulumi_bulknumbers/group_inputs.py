"""Checks and canonical form for one ordering group (what `check` runs on each group).

Also the rule that lets pools change in place: names are unique, and unnamed groups differ in
criteria, since that is how a change finds each group again (see `groups.py`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_bulknumbers._checks import Checker, is_unknown, listed, whole_number
from pulumi_bulknumbers.groups import group_key

MAX_NUMBERS_PER_ORDER = 10_000

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
_NPA = re.compile(r"[2-9][0-9]{2}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")
_DIGITS = re.compile(r"[0-9]{1,10}")


def check_group(c: Checker, group: Any, i: int) -> int:
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
        whole = whole_number(raw)
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


def _check_area_code(c: Checker, group: Mapping[str, Any], at: str) -> None:
    ndc = group.get("national_destination_code")
    if ndc is None or is_unknown(ndc):
        return
    path = f"{at}.national_destination_code"
    if not isinstance(ndc, str) or not _NPA.fullmatch(ndc):
        c.fail(path, f"must be a 3-digit North American area code such as '212' (got {ndc!r})")
        return
    kind = group.get("phone_number_type")
    if kind == "toll_free" and ndc not in TOLL_FREE_CODES:
        c.fail(path, f"a toll_free group takes a toll-free code: {listed(TOLL_FREE_CODES)}")
    if kind == "local" and ndc in TOLL_FREE_CODES:
        c.fail(
            path, f"{ndc} is a toll-free code; use phone_number_type 'toll_free' or a local code"
        )


def _check_area(c: Checker, group: Mapping[str, Any], at: str) -> None:
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
        c.fail(path, f"must be a {country} state or province code: {listed(allowed)}")


def _check_features(c: Checker, features: Any, path: str) -> None:
    if features is None or is_unknown(features):
        return
    if not isinstance(features, list | tuple):
        c.fail(path, f"must be a list of features from {listed(FEATURES)}")
        return
    seen: set[str] = set()
    for j, feature in enumerate(features):
        if is_unknown(feature):
            continue
        if feature not in FEATURES:
            c.fail(f"{path}[{j}]", f"must be one of {listed(FEATURES)} (got {feature!r})")
        elif feature in seen:
            c.fail(f"{path}[{j}]", f"{feature!r} is listed twice")
        else:
            seen.add(feature)


def _check_pattern(c: Checker, pattern: Any, path: str) -> None:
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


def check_identities(c: Checker, groups: list[Any] | tuple[Any, ...]) -> None:
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


def normalize_group(group: Mapping[str, Any]) -> dict[str, Any]:
    """One group's canonical form: whole counts as ints, features sorted, None dropped."""
    out: dict[str, Any] = {}
    for key, value in group.items():
        if value is None:
            continue
        if key == "count_requested":
            whole = whole_number(value)
            out[key] = whole if whole is not None else value
        elif key == "phone_number" and isinstance(value, Mapping):
            pattern = {k: v for k, v in value.items() if v is not None}
            if pattern:
                out[key] = pattern
        elif key == "features" and isinstance(value, list | tuple):
            # Order carries no meaning: sorted, so reordering the list is no change.
            known = all(isinstance(v, str) for v in value)
            out[key] = sorted(value) if known else list(value)
        else:
            out[key] = value
    return out
