"""Request validation: JSON bodies and query strings in, typed values or ``ApiError`` out.

Every problem becomes one Telnyx error item whose ``source`` names the field (a JSON pointer
such as ``/ordering_groups/0/country_iso``) or the query parameter (``page[size]``). All problems
of a body are reported together, and nothing is validated by side effect: a request that fails
here changes no state.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_bulknumbers.sandbox.apierror import ApiError, ErrorItem
from pulumi_bulknumbers.sandbox.inventory import FEATURE_BITS

__all__ = [
    "E164",
    "MAX_NUMBERS_PER_ORDER",
    "BulkOrderRequest",
    "GroupSpec",
    "Problems",
    "check_job_numbers",
    "check_requirements",
    "json_body",
    "page",
    "parse_bulk_order",
    "query_bool",
    "query_int",
]

MAX_NUMBERS_PER_ORDER = 10_000
COUNTRIES = ("US", "CA")
NUMBER_TYPES = ("local", "toll_free", "toll-free", "mobile", "national", "shared_cost", "landline")
STRATEGIES = ("always", "never")
SETTINGS = ("connection_id", "messaging_profile_id", "billing_group_id", "customer_reference")
_DIGITS = re.compile(r"[0-9]+")
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class GroupSpec:
    """One validated ordering group, normalised (``count_requested`` an int)."""

    country_iso: str
    phone_number_type: str
    count_requested: int
    strategy: str = "always"
    national_destination_code: str | None = None
    administrative_area: str | None = None
    locality: str | None = None
    features: tuple[str, ...] = ()
    starts_with: str | None = None
    ends_with: str | None = None
    contains: str | None = None
    quickship: bool | None = None
    exclude_held_numbers: bool | None = None


@dataclass(frozen=True)
class BulkOrderRequest:
    """A validated ``InexplicitNumberOrderRequest``."""

    groups: tuple[GroupSpec, ...]
    settings: dict[str, str] = field(default_factory=dict)


class Problems:
    """Collects error items, then raises them as one ``ApiError``."""

    def __init__(self) -> None:
        self.items: list[ErrorItem] = []

    def missing(self, pointer: str) -> None:
        """A required field is absent (10004)."""
        name = pointer.rsplit("/", 1)[-1]
        self.items.append(ErrorItem("10004", f"The '{name}' field is required.", "", pointer))

    def invalid(self, pointer: str, detail: str) -> None:
        """A field is present but not acceptable (10015)."""
        self.items.append(ErrorItem("10015", detail, "", pointer))

    def raise_if_any(self, status: int = 422) -> None:
        """Raise every collected problem at once."""
        if self.items:
            raise ApiError(status, list(self.items))


def json_body(content: bytes) -> dict[str, Any]:
    """The request body as a JSON object, or 400 code 10015."""
    try:
        body = json.loads(content.decode("utf-8")) if content.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError.of(
            400, "10015", f"The request body is not valid JSON: {exc}.", pointer="/"
        ) from None
    if not isinstance(body, dict):
        raise ApiError.of(400, "10015", "The request body must be a JSON object.", pointer="/")
    return body


def optional_string(body: Mapping[str, Any], key: str, base: str, problems: Problems) -> str | None:
    """A string field that may be absent or null."""
    value = body.get(key)
    if value is None or isinstance(value, str):
        return value
    problems.invalid(f"{base}/{key}", f"'{key}' must be a string.")
    return None


def _optional_bool(body: Mapping[str, Any], key: str, base: str, problems: Problems) -> bool | None:
    value = body.get(key)
    if value is None or isinstance(value, bool):
        return value
    problems.invalid(f"{base}/{key}", f"'{key}' must be a boolean.")
    return None


def _count(value: object, pointer: str, problems: Problems) -> int:
    # The spec types count_requested as a string; Telnyx's responses echo an integer. Take both.
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        problems.invalid(pointer, "'count_requested' must be a whole number, e.g. \"10\".")
        return 0
    if not 1 <= number <= MAX_NUMBERS_PER_ORDER:
        problems.invalid(
            pointer, f"'count_requested' must be between 1 and {MAX_NUMBERS_PER_ORDER}."
        )
        return 0
    return number


def _group(raw: object, base: str, problems: Problems) -> GroupSpec | None:
    if not isinstance(raw, dict):
        problems.invalid(base, "Each ordering group must be an object.")
        return None
    before = len(problems.items)
    for key in ("country_iso", "count_requested", "phone_number_type"):
        if raw.get(key) is None:
            problems.missing(f"{base}/{key}")
    country = raw.get("country_iso")
    if country is not None and country not in COUNTRIES:
        problems.invalid(f"{base}/country_iso", "'country_iso' must be one of: US, CA.")
    count = (
        _count(raw["count_requested"], f"{base}/count_requested", problems)
        if (raw.get("count_requested") is not None)
        else 0
    )
    kind = raw.get("phone_number_type")
    if kind is not None and kind not in NUMBER_TYPES:
        allowed = ", ".join(NUMBER_TYPES)
        problems.invalid(
            f"{base}/phone_number_type", f"'phone_number_type' must be one of: {allowed}."
        )
    strategy = raw.get("strategy", "always")
    if strategy not in STRATEGIES:
        problems.invalid(f"{base}/strategy", "'strategy' must be 'always' or 'never'.")
    ndc = optional_string(raw, "national_destination_code", base, problems)
    if ndc is not None and not re.fullmatch(r"[2-9][0-9]{2}", ndc):
        problems.invalid(
            f"{base}/national_destination_code",
            "'national_destination_code' must be a 3-digit area code, e.g. \"212\".",
        )
    area = optional_string(raw, "administrative_area", base, problems)
    locality = optional_string(raw, "locality", base, problems)
    features = raw.get("features")
    if features is not None and not (
        isinstance(features, list) and all(f in FEATURE_BITS for f in features)
    ):
        known = ", ".join(FEATURE_BITS)
        problems.invalid(f"{base}/features", f"'features' must be a list of: {known}.")
    patterns: dict[str, str | None] = {"starts_with": None, "ends_with": None, "contains": None}
    pattern = raw.get("phone_number")
    if pattern is not None and not isinstance(pattern, dict):
        problems.invalid(f"{base}/phone_number", "'phone_number' must be an object.")
    elif pattern is not None:
        for key in patterns:
            value = optional_string(pattern, key, f"{base}/phone_number", problems)
            if value is not None and not re.fullmatch(r"[0-9]{1,10}", value):
                problems.invalid(f"{base}/phone_number/{key}", f"'{key}' must be 1 to 10 digits.")
            patterns[key] = value
    quickship = _optional_bool(raw, "quickship", base, problems)
    held = _optional_bool(raw, "exclude_held_numbers", base, problems)
    if len(problems.items) > before:
        return None
    return GroupSpec(
        country_iso=str(country),
        phone_number_type=str(kind),
        count_requested=count,
        strategy=str(strategy),
        national_destination_code=ndc,
        administrative_area=area,
        locality=locality,
        features=tuple(features or ()),
        quickship=quickship,
        exclude_held_numbers=held,
        **patterns,
    )


def parse_bulk_order(body: Mapping[str, Any]) -> BulkOrderRequest:
    """Validate an ``InexplicitNumberOrderRequest`` (422 with every problem, or the request)."""
    problems = Problems()
    settings = {k: v for k in SETTINGS if (v := optional_string(body, k, "", problems))}
    raw_groups = body.get("ordering_groups")
    groups: list[GroupSpec] = []
    if raw_groups is None:
        problems.missing("/ordering_groups")
    elif not isinstance(raw_groups, list) or not raw_groups:
        problems.invalid("/ordering_groups", "'ordering_groups' must be a non-empty list.")
    else:
        for position, raw in enumerate(raw_groups):
            group = _group(raw, f"/ordering_groups/{position}", problems)
            if group is not None:
                groups.append(group)
    total = sum(group.count_requested for group in groups)
    if total > MAX_NUMBERS_PER_ORDER:
        problems.invalid(
            "/ordering_groups",
            f"An order may request at most {MAX_NUMBERS_PER_ORDER} numbers in all; "
            f"these groups request {total}.",
        )
    problems.raise_if_any()
    return BulkOrderRequest(tuple(groups), settings)


def query_int(
    params: Mapping[str, str], name: str, default: int, *, low: int = 1, high: int | None = None
) -> int:
    """An integer query parameter within bounds, or 422 naming the parameter."""
    raw = params.get(name)
    if raw is None:
        return default
    value = int(raw) if _DIGITS.fullmatch(raw) else None
    if value is None or value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ApiError.of(
            422, "10015", f"The '{name}' parameter must be an integer {bound}.", parameter=name
        )
    return value


def query_bool(params: Mapping[str, str], name: str) -> bool | None:
    """A boolean query parameter (``true``/``false``), absent as None, else 422."""
    raw = params.get(name)
    if raw is None:
        return None
    if raw.lower() not in ("true", "false"):
        raise ApiError.of(
            422, "10015", f"The '{name}' parameter must be true or false.", parameter=name
        )
    return raw.lower() == "true"


def page(params: Mapping[str, str], *, flat: bool = False) -> tuple[int, int]:
    """Page number and size: ``page_number``/``page_size`` when flat, else ``page[...]``."""
    number_key, size_key = ("page_number", "page_size") if flat else ("page[number]", "page[size]")
    return query_int(params, number_key, 1), query_int(params, size_key, 20, high=250)


def check_requirements(raw: object, problems: Problems) -> None:
    """``regulatory_requirements`` of an update: well-formed, and (the sandbox's orders having
    no requirements) none that applies."""
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.invalid("/regulatory_requirements", "'regulatory_requirements' must be a list.")
        return
    for i, item in enumerate(raw):
        base = f"/regulatory_requirements/{i}"
        ident = item.get("requirement_id") if isinstance(item, dict) else None
        if not isinstance(item, dict):
            problems.invalid(base, "Each entry must be an object.")
        elif not isinstance(ident, str) or not _UUID.fullmatch(ident.lower()):
            problems.invalid(f"{base}/requirement_id", "'requirement_id' must be a UUID.")
        elif not isinstance(item.get("field_value", ""), str):
            problems.invalid(f"{base}/field_value", "'field_value' must be a string.")
        else:
            problems.invalid(
                f"{base}/requirement_id", f"Requirement {ident} does not apply to this order."
            )


def check_job_numbers(raw: object, problems: Problems, limit: int) -> None:
    """A job's ``phone_numbers``: 1 to ``limit`` strings, all ids or all +E.164."""
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        problems.invalid("/phone_numbers", "'phone_numbers' must be a list of strings.")
    elif not raw:
        problems.invalid("/phone_numbers", "You must provide at least 1 phone number.")
    elif len(raw) > limit:
        problems.invalid("/phone_numbers", f"{limit} numbers is the maximum allowed.")
    elif len({item.startswith("+") for item in raw}) > 1:
        problems.invalid(
            "/phone_numbers",
            "You must specify either all phone numbers in the e164 format or all as phone "
            "number ids",
        )
    elif not all(item.isdigit() or E164.fullmatch(item) for item in raw):
        problems.invalid("/phone_numbers", "Each entry must be a phone number id or +E.164.")
