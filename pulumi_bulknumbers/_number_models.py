"""Received models for number orders, phone numbers, jobs, messaging and search.

Public through `pulumi_bulknumbers.models`; kept apart so each module stays small.
"""

from __future__ import annotations

from typing import Any, Literal

from pulumi_bulknumbers._wire import Received, TelnyxErrorDetail

NumberOrderStatus = Literal["pending", "success", "failure"]
"""Status of a number order, sub number order, or a number inside one."""

PhoneNumberStatus = Literal[
    "purchase-pending",
    "purchase-failed",
    "port-pending",
    "port-failed",
    "active",
    "deleted",
    "emergency-only",
    "ported-out",
    "port-out-pending",
    "requirement-info-pending",
    "requirement-info-under-review",
    "requirement-info-exception",
    "provision-pending",
]
"""Status of an owned phone number."""

JobStatus = Literal["pending", "in_progress", "completed", "failed", "expired"]
"""Status of a phone-numbers background job."""

_JOB_TERMINAL = frozenset({"completed", "failed", "expired"})


class NumberOrderPhoneNumber(Received):
    """A number inside a number order or sub order (its `id` is *not* the phone-number id)."""

    id: str | None = None
    phone_number: str
    status: NumberOrderStatus | str | None = None
    phone_number_type: str | None = None
    country_code: str | None = None
    requirements_met: bool | None = None
    requirements_status: str | None = None
    record_type: str | None = None


class NumberOrder(Received):
    """A number order: the explicit purchase of given numbers (bulk orders create these)."""

    id: str
    record_type: str | None = None
    status: NumberOrderStatus | str = "pending"
    phone_numbers: list[NumberOrderPhoneNumber] = []
    phone_numbers_count: int | None = None
    # Telnyx's spelling on number orders ("orders_ids"), unlike bulk orders' sub_number_order_ids.
    sub_number_orders_ids: list[str] = []
    connection_id: str | None = None
    messaging_profile_id: str | None = None
    billing_group_id: str | None = None
    customer_reference: str | None = None
    requirements_met: bool | None = None
    created_at: str | None = None
    updated_at: str | None = None


class SubNumberOrder(Received):
    """A part of a number order, split by country and number type."""

    id: str
    order_request_id: str | None = None
    record_type: str | None = None
    status: NumberOrderStatus | str = "pending"
    country_code: str | None = None
    phone_number_type: str | None = None
    phone_numbers_count: int | None = None
    customer_reference: str | None = None
    user_id: str | None = None
    requirements_met: bool | None = None
    is_block_sub_number_order: bool | None = None
    phone_numbers: list[NumberOrderPhoneNumber] = []
    """The first 50 numbers, only when asked for with `include_phone_numbers=True`."""
    created_at: str | None = None
    updated_at: str | None = None


class PhoneNumber(Received):
    """A phone number the account owns (`id` is a numeric string)."""

    id: str
    phone_number: str
    status: PhoneNumberStatus | str | None = None
    record_type: str | None = None
    phone_number_type: str | None = None
    country_iso_alpha2: str | None = None
    connection_id: str | None = None
    connection_name: str | None = None
    messaging_profile_id: str | None = None
    messaging_profile_name: str | None = None
    billing_group_id: str | None = None
    customer_reference: str | None = None
    tags: list[str] = []
    deletion_lock_enabled: bool = False
    external_pin: str | None = None
    emergency_enabled: bool | None = None
    source_type: str | None = None
    purchased_at: str | None = None
    activated_at: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class PhoneNumberMessagingSettings(Received):
    """A phone number's messaging settings (PATCH /phone_numbers/{id}/messaging)."""

    id: str | None = None
    phone_number: str | None = None
    messaging_profile_id: str | None = None
    messaging_product: str | None = None
    record_type: str | None = None
    country_code: str | None = None
    traffic_type: str | None = None
    type: str | None = None
    tags: list[str] = []
    created_at: str | None = None
    updated_at: str | None = None


class JobPhoneNumber(Received):
    """A number named in a job: by id, by E.164 number, or both."""

    id: str | None = None
    phone_number: str | None = None


class JobFailedOperation(JobPhoneNumber):
    """A number a job could not process, with Telnyx's reasons."""

    errors: list[TelnyxErrorDetail] = []


class PhoneNumbersJob(Received):
    """A background job over many phone numbers (batch delete or update)."""

    id: str
    record_type: str | None = None
    type: str | None = None
    status: JobStatus | str = "pending"
    etc: str | None = None
    phone_numbers: list[JobPhoneNumber] = []
    successful_operations: list[JobPhoneNumber] = []
    pending_operations: list[JobPhoneNumber] = []
    failed_operations: list[JobFailedOperation] = []
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def done(self) -> bool:
        """True once the job is completed, failed or expired."""
        return self.status in _JOB_TERMINAL


class MessagingBulkUpdate(Received):
    """A messaging-profile bulk assignment and where each number stands."""

    order_id: str
    record_type: str | None = None
    success: list[str] = []
    pending: list[str] = []
    failed: list[str] = []

    @property
    def done(self) -> bool:
        """True once no number is pending."""
        return not self.pending


class InventoryCoverage(Received):
    """How many numbers Telnyx has for one group (area code, locality or NPA)."""

    group: str | None = None
    group_type: str | None = None
    administrative_area: str | None = None
    count: int | None = None
    number_range: int | None = None
    number_type: str | None = None
    phone_number_type: str | None = None
    coverage_type: str | None = None
    advance_requirements: bool | None = None
    record_type: str | None = None


class RegionInformation(Received):
    """Where an available number is (country, rate center, state, location)."""

    region_type: str | None = None
    region_name: str | None = None


class CostInformation(Received):
    """What an available number costs; amounts are decimal strings."""

    upfront_cost: str | None = None
    monthly_cost: str | None = None
    currency: str | None = None


class AvailablePhoneNumber(Received):
    """A number a search found; `features` are the feature names (`[{name}]` on the wire)."""

    phone_number: str
    record_type: str | None = None
    vanity_format: str | None = None
    best_effort: bool | None = None
    quickship: bool | None = None
    reservable: bool | None = None
    region_information: list[RegionInformation] = []
    cost_information: CostInformation | None = None
    features: list[str] = []

    @classmethod
    def _prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        features = data.get("features")
        if isinstance(features, list):
            names = [f.get("name") if isinstance(f, dict) else f for f in features]
            data["features"] = [n for n in names if isinstance(n, str)]
        return data
