"""Wire models: what we send is strict, what we receive is tolerant, and the traps are handled."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from pulumi_bulknumbers.models import (
    AvailablePhoneNumber,
    BulkOrder,
    BulkOrderRequest,
    MessagingBulkUpdate,
    NumberOrder,
    OrderingGroup,
    OrderingGroupRequest,
    PaginationMeta,
    PhoneNumber,
    PhoneNumberPattern,
    PhoneNumbersJob,
    SubNumberOrder,
    TelnyxErrorDetail,
)


def _group(**overrides: Any) -> OrderingGroupRequest:
    fields: dict[str, Any] = {
        "country_iso": "US",
        "phone_number_type": "local",
        "count_requested": 5,
    }
    return OrderingGroupRequest(**(fields | overrides))


class TestBulkOrderRequest:
    def test_count_is_sent_as_a_decimal_string(self) -> None:
        """count_requested is an int in Python and a string on the wire."""
        body = BulkOrderRequest(ordering_groups=[_group(count_requested=42)]).to_json()
        assert body["ordering_groups"][0]["count_requested"] == "42"

    def test_unset_fields_are_left_out(self) -> None:
        """to_json omits every None, so Telnyx sees only what was asked for."""
        body = BulkOrderRequest(ordering_groups=[_group()]).to_json()
        assert body == {
            "ordering_groups": [
                {"country_iso": "US", "phone_number_type": "local", "count_requested": "5"}
            ]
        }

    def test_phone_number_pattern_is_nested_on_the_way_in(self) -> None:
        """The request nests starts_with/ends_with/contains under phone_number."""
        group = _group(phone_number=PhoneNumberPattern(starts_with="1212", contains="55"))
        body = BulkOrderRequest(ordering_groups=[group], customer_reference="pool").to_json()
        assert body["ordering_groups"][0]["phone_number"] == {
            "starts_with": "1212",
            "contains": "55",
        }
        assert body["customer_reference"] == "pool"

    def test_every_documented_field_serializes(self) -> None:
        """All optional group fields reach the wire under their API names."""
        group = _group(
            national_destination_code="212",
            administrative_area="NY",
            locality="New York",
            features=["voice", "sms"],
            strategy="never",
            quickship=True,
            exclude_held_numbers=False,
        )
        sent = BulkOrderRequest(
            ordering_groups=[group],
            connection_id="c",
            messaging_profile_id="m",
            billing_group_id="b",
        ).to_json()
        assert sent["ordering_groups"][0] == {
            "country_iso": "US",
            "phone_number_type": "local",
            "count_requested": "5",
            "national_destination_code": "212",
            "administrative_area": "NY",
            "locality": "New York",
            "features": ["voice", "sms"],
            "strategy": "never",
            "quickship": True,
            "exclude_held_numbers": False,
        }
        assert (sent["connection_id"], sent["messaging_profile_id"], sent["billing_group_id"]) == (
            "c",
            "m",
            "b",
        )

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"country_iso": "GB"}, "country_iso"),
            ({"count_requested": 0}, "count_requested"),
            ({"count_requested": 10_001}, "count_requested"),
            ({"strategy": "sometimes"}, "strategy"),
            ({"colour": "blue"}, "colour"),
        ],
        ids=["country", "zero-count", "over-10000", "strategy", "unknown-field"],
    )
    def test_bad_input_is_rejected_naming_the_field(
        self, overrides: dict[str, Any], field: str
    ) -> None:
        """Sent models forbid unknown fields and out-of-range values."""
        with pytest.raises(ValidationError) as info:
            _group(**overrides)
        assert field in str(info.value)

    def test_at_least_one_group_is_required(self) -> None:
        """An order with no groups is refused before any request."""
        with pytest.raises(ValidationError):
            BulkOrderRequest(ordering_groups=[])

    def test_models_are_frozen(self) -> None:
        """Sent models cannot be mutated after validation."""
        request = BulkOrderRequest(ordering_groups=[_group()])
        with pytest.raises(ValidationError):
            request.customer_reference = "changed"  # type: ignore[misc]


class TestOrderingGroup:
    def test_flattened_pattern_keys_parse_into_a_nested_pattern(self) -> None:
        """The response's literal `phone_number[starts_with]` keys become .phone_number."""
        group = OrderingGroup.model_validate(
            {
                "phone_number[starts_with]": "1212",
                "phone_number[ends_with]": "00",
                "count_requested": 3,
            }
        )
        assert group.phone_number == PhoneNumberPattern(starts_with="1212", ends_with="00")

    def test_a_nested_pattern_is_accepted_too(self) -> None:
        """If Telnyx ever echoes the nested form, it parses the same way."""
        group = OrderingGroup.model_validate({"phone_number": {"contains": "77", "other": 1}})
        assert group.phone_number == PhoneNumberPattern(contains="77")

    def test_no_pattern_means_none(self) -> None:
        """Groups without pattern keys have phone_number None."""
        assert OrderingGroup.model_validate({}).phone_number is None

    def test_counts_arrive_as_integers_and_nulls_default(self) -> None:
        """Counts are ints; null counts and orders read as 0 and []."""
        group = OrderingGroup.model_validate(
            {"count_requested": 5, "count_allocated": None, "orders": None, "error_reason": None}
        )
        assert (group.count_requested, group.count_allocated, group.orders) == (5, 0, [])

    def test_unknown_status_is_kept_not_rejected(self) -> None:
        """A status Telnyx adds later does not crash parsing."""
        assert (
            OrderingGroup.model_validate({"status": "queued_for_review"}).status
            == "queued_for_review"
        )


def _order(*statuses: str) -> BulkOrder:
    return BulkOrder.model_validate(
        {"id": "o", "ordering_groups": [{"status": s, "count_requested": 1} for s in statuses]}
    )


class TestBulkOrder:
    def test_parses_a_real_shaped_payload(self) -> None:
        """A bulk order as documented parses, with unknown fields ignored."""
        order = BulkOrder.model_validate(
            {
                "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "customer_reference": "pool",
                "connection_id": None,
                "brand_new_field": {"x": 1},
                "created_at": "2026-01-01T00:00:00Z",
                "ordering_groups": [
                    {
                        "country_iso": "US",
                        "phone_number_type": "local",
                        "count_requested": 2,
                        "count_allocated": 2,
                        "status": "success",
                        "orders": [
                            {"number_order_id": "n1", "sub_number_order_ids": ["s1", "s2"]},
                            {"number_order_id": "n2", "sub_number_order_ids": ["s3"]},
                        ],
                    },
                    {
                        "count_requested": 3,
                        "count_allocated": 1,
                        "status": "partial_success",
                        "error_reason": "Not enough inventory",
                        "orders": [{"number_order_id": "n1", "sub_number_order_ids": ["s1"]}],
                    },
                ],
            }
        )
        assert order.connection_id is None
        assert (order.count_requested, order.count_allocated) == (5, 3)
        assert order.number_order_ids == ["n1", "n2"]
        assert order.sub_number_order_ids == ["s1", "s2", "s3"]
        assert order.ordering_groups[1].error_reason == "Not enough inventory"

    @pytest.mark.parametrize(
        ("statuses", "folded", "done"),
        [
            ((), "pending", False),
            (("pending", "pending"), "pending", False),
            (("pending", "processing"), "processing", False),
            (("success", "pending"), "processing", False),
            (("success", "mystery"), "processing", False),
            (("success", "success"), "success", True),
            (("failed", "failed"), "failed", True),
            (("success", "failed"), "partial_success", True),
            (("partial_success",), "partial_success", True),
        ],
        ids=[
            "no-groups",
            "all-pending",
            "one-processing",
            "one-done-one-pending",
            "unknown-is-unfinished",
            "all-success",
            "all-failed",
            "mixed",
            "partial",
        ],
    )
    def test_status_folds_the_groups(
        self, statuses: tuple[str, ...], folded: str, done: bool
    ) -> None:
        """The order status is derived from its groups' statuses."""
        order = _order(*statuses)
        assert (order.status, order.done) == (folded, done)


class TestReceivedModels:
    def test_number_order_keeps_telnyx_spelling_of_sub_order_ids(self) -> None:
        """Number orders use `sub_number_orders_ids`, and their numbers parse."""
        order = NumberOrder.model_validate(
            {
                "id": "n",
                "status": "success",
                "sub_number_orders_ids": ["s"],
                "customer_reference": None,
                "phone_numbers": [{"id": "u", "phone_number": "+12125550100", "status": "success"}],
            }
        )
        assert order.sub_number_orders_ids == ["s"]
        assert order.phone_numbers[0].phone_number == "+12125550100"
        assert order.customer_reference is None

    def test_sub_number_order_tolerates_unknown_status(self) -> None:
        """Statuses like `cancelled` that the enum lacks still parse."""
        sub = SubNumberOrder.model_validate(
            {"id": "s", "status": "cancelled", "phone_numbers": None}
        )
        assert (sub.status, sub.phone_numbers) == ("cancelled", [])

    def test_phone_number_defaults_for_nulls(self) -> None:
        """Null tags and a missing deletion lock read as [] and False."""
        number = PhoneNumber.model_validate(
            {
                "id": "1293384261075731499",
                "phone_number": "+19705555098",
                "tags": None,
                "status": "active",
            }
        )
        assert (number.tags, number.deletion_lock_enabled, number.status) == ([], False, "active")

    def test_job_reports_failed_operations_with_errors(self) -> None:
        """A job's failed operations carry Telnyx errors; `done` follows the status."""
        job = PhoneNumbersJob.model_validate(
            {
                "id": "j",
                "type": "delete_phone_numbers",
                "status": "completed",
                "successful_operations": [{"id": "1", "phone_number": "+1"}],
                "failed_operations": [
                    {
                        "id": "2",
                        "errors": [
                            {"code": "10015", "title": "Bad Request", "source": {"pointer": "/x"}}
                        ],
                    }
                ],
            }
        )
        assert job.done
        assert job.failed_operations[0].errors[0].pointer == "/x"
        assert not PhoneNumbersJob.model_validate({"id": "j", "status": "in_progress"}).done

    def test_messaging_bulk_update_done_when_nothing_pending(self) -> None:
        """A messaging bulk update is done once its pending list is empty."""
        update = MessagingBulkUpdate.model_validate(
            {"order_id": "o", "success": ["+1"], "pending": []}
        )
        assert update.done

    def test_available_number_features_become_names(self) -> None:
        """`features: [{name}]` parses into a list of names."""
        number = AvailablePhoneNumber.model_validate(
            {"phone_number": "+1", "features": [{"name": "sms"}, {"name": "voice"}, {}]}
        )
        assert number.features == ["sms", "voice"]

    def test_pagination_meta_defaults(self) -> None:
        """Missing meta fields default to a single page."""
        assert PaginationMeta.model_validate({}).total_pages == 1

    def test_required_fields_are_enforced(self) -> None:
        """A bulk order without an id is not a bulk order."""
        with pytest.raises(ValidationError):
            BulkOrder.model_validate({"ordering_groups": []})


class TestTelnyxErrorDetail:
    def test_source_and_meta_are_lifted(self) -> None:
        """pointer, parameter and url come up from source and meta."""
        detail = TelnyxErrorDetail.model_validate(
            {
                "code": "10015",
                "title": "Bad Request",
                "detail": "must be present",
                "source": {"pointer": "/phone_numbers", "parameter": "page[size]"},
                "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10015"},
            }
        )
        assert (detail.pointer, detail.parameter) == ("/phone_numbers", "page[size]")
        assert detail.url == "https://developers.telnyx.com/docs/overview/errors/10015"

    def test_integer_codes_become_strings(self) -> None:
        """Messaging endpoints may send an integer code; it is read as a string."""
        assert TelnyxErrorDetail.model_validate({"code": 10011}).code == "10011"

    @pytest.mark.parametrize(
        ("raw", "line"),
        [
            (
                {
                    "code": "10005",
                    "title": "Resource not found",
                    "detail": "x",
                    "source": {"pointer": "/id"},
                },
                "Telnyx 10005 Resource not found: x (at /id)",
            ),
            (
                {"code": "10015", "source": {"parameter": "page"}},
                "Telnyx 10015 (at query parameter page)",
            ),
            ({}, "Telnyx"),
        ],
        ids=["full", "parameter-only", "empty"],
    )
    def test_describe(self, raw: dict[str, Any], line: str) -> None:
        """describe() renders one readable line."""
        assert TelnyxErrorDetail.model_validate(raw).describe() == line
