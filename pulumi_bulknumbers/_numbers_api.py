"""Owned phone numbers, their batch jobs, and messaging-profile assignment."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

from pulumi_bulknumbers._client_core import ClientCore
from pulumi_bulknumbers._pagination import (
    MAX_PAGE_SIZE,
    Page,
    check_paging,
    deep_page_params,
    iter_items,
)
from pulumi_bulknumbers._params import NOT_GIVEN, NotGiven, filters, given, segment
from pulumi_bulknumbers._wire import echoes
from pulumi_bulknumbers.errors import UsageError
from pulumi_bulknumbers.models import (
    MessagingBulkUpdate,
    PhoneNumber,
    PhoneNumberMessagingSettings,
    PhoneNumbersJob,
)

__all__ = ["NumbersAPI"]


def _numbers(phone_numbers: Sequence[str]) -> list[str]:
    if isinstance(phone_numbers, str) or not phone_numbers:
        raise UsageError("phone_numbers must be a non-empty list of ids or E.164 numbers")
    return list(phone_numbers)


class NumbersAPI(ClientCore):
    """Endpoints under /phone_numbers, /phone_numbers/jobs and /messaging_numbers_bulk_updates."""

    # -- phone numbers -------------------------------------------------------------------------

    def list_phone_numbers(
        self,
        *,
        phone_number: str | None = None,
        customer_reference: str | None = None,
        tag: str | None = None,
        status: str | None = None,
        connection_id: str | None = None,
        billing_group_id: str | None = None,
        page_number: int = 1,
        page_size: int = 20,
    ) -> Page[PhoneNumber]:
        """One page of owned numbers, filtered with `filter[...]` parameters.

        `phone_number` matches digits (at least three); a leading `+` is dropped because
        Telnyx returns nothing for non-digit characters.
        """
        params = filters(
            phone_number=phone_number.lstrip("+") if phone_number else None,
            customer_reference=customer_reference,
            tag=tag,
            status=status,
            connection_id=connection_id,
            billing_group_id=billing_group_id,
        )
        params |= deep_page_params(page_number, page_size)
        return self._page("/phone_numbers", PhoneNumber, params)

    def iter_phone_numbers(
        self,
        *,
        phone_number: str | None = None,
        customer_reference: str | None = None,
        tag: str | None = None,
        status: str | None = None,
        connection_id: str | None = None,
        billing_group_id: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[PhoneNumber]:
        """Every owned number matching the filters, page by page.

        >>> [n.phone_number for n in client.iter_phone_numbers(customer_reference="pool-a")]
        """
        check_paging(1, page_size)
        fetch = partial(
            self.list_phone_numbers,
            phone_number=phone_number,
            customer_reference=customer_reference,
            tag=tag,
            status=status,
            connection_id=connection_id,
            billing_group_id=billing_group_id,
            page_size=page_size,
        )
        return iter_items(lambda n: fetch(page_number=n), workers=self.page_workers)

    def get_phone_number(self, phone_number_id: str) -> PhoneNumber:
        """One owned number by its numeric-string id (GET /phone_numbers/{id})."""
        path = f"/phone_numbers/{segment(phone_number_id, 'phone_number_id')}"
        return self._one("GET", path, PhoneNumber)

    def update_phone_number(
        self,
        phone_number_id: str,
        *,
        connection_id: str | NotGiven | None = NOT_GIVEN,
        billing_group_id: str | NotGiven | None = NOT_GIVEN,
        customer_reference: str | NotGiven | None = NOT_GIVEN,
        tags: Sequence[str] | NotGiven = NOT_GIVEN,
        external_pin: str | NotGiven | None = NOT_GIVEN,
        hd_voice_enabled: bool | NotGiven = NOT_GIVEN,
    ) -> PhoneNumber:
        """Change one number's settings (PATCH /phone_numbers/{id}); only given fields are sent.

        `None` is sent as JSON null. The deletion lock is not settable here (the spec's
        UpdatePhoneNumberRequest has no such field): use `create_update_job`.
        """
        body = given(
            connection_id=connection_id,
            billing_group_id=billing_group_id,
            customer_reference=customer_reference,
            tags=list(tags) if not isinstance(tags, NotGiven) else tags,
            external_pin=external_pin,
            hd_voice_enabled=hd_voice_enabled,
        )
        if not body:
            raise UsageError("update_phone_number needs at least one field to change")
        path = f"/phone_numbers/{segment(phone_number_id, 'phone_number_id')}"
        return self._one("PATCH", path, PhoneNumber, body=body)

    def delete_phone_number(self, phone_number_id: str) -> PhoneNumber:
        """Release one number (DELETE /phone_numbers/{id}); returns it with status `deleted`."""
        path = f"/phone_numbers/{segment(phone_number_id, 'phone_number_id')}"
        return self._one("DELETE", path, PhoneNumber)

    def update_phone_number_messaging(
        self,
        phone_number_id: str,
        *,
        messaging_profile_id: str,
        messaging_product: str | NotGiven = NOT_GIVEN,
    ) -> PhoneNumberMessagingSettings:
        """Assign a number to a messaging profile (`""` unassigns it)."""
        body = given(messaging_profile_id=messaging_profile_id, messaging_product=messaging_product)
        path = f"/phone_numbers/{segment(phone_number_id, 'phone_number_id')}/messaging"
        return self._one("PATCH", path, PhoneNumberMessagingSettings, body=body)

    # -- batch jobs ----------------------------------------------------------------------------

    def create_delete_job(self, phone_numbers: Sequence[str]) -> PhoneNumbersJob:
        """Start releasing up to 1,000 numbers (all ids or all E.164) in one background job.

        Never re-sent after an ambiguous failure; poll with `get_job`.
        """
        body = {"phone_numbers": _numbers(phone_numbers)}
        return self._one(
            "POST", "/phone_numbers/jobs/delete_phone_numbers", PhoneNumbersJob, body=body
        )

    def create_update_job(
        self,
        phone_numbers: Sequence[str],
        *,
        connection_id: str | NotGiven = NOT_GIVEN,
        billing_group_id: str | NotGiven = NOT_GIVEN,
        customer_reference: str | NotGiven = NOT_GIVEN,
        tags: Sequence[str] | NotGiven = NOT_GIVEN,
        deletion_lock_enabled: bool | NotGiven = NOT_GIVEN,
        external_pin: str | NotGiven = NOT_GIVEN,
        hd_voice_enabled: bool | NotGiven = NOT_GIVEN,
    ) -> PhoneNumbersJob:
        """Start changing settings on up to 1,000 numbers in one background job.

        Only given fields are sent, and at least one is required. Never re-sent after an
        ambiguous failure; poll with `get_job`.
        """
        fields = given(
            connection_id=connection_id,
            billing_group_id=billing_group_id,
            customer_reference=customer_reference,
            tags=list(tags) if not isinstance(tags, NotGiven) else tags,
            deletion_lock_enabled=deletion_lock_enabled,
            external_pin=external_pin,
            hd_voice_enabled=hd_voice_enabled,
        )
        if not fields:
            raise UsageError("create_update_job needs at least one field to change")
        body = {"phone_numbers": _numbers(phone_numbers), **fields}
        return self._one(
            "POST", "/phone_numbers/jobs/update_phone_numbers", PhoneNumbersJob, body=body
        )

    def list_jobs(
        self, *, job_type: str | None = None, page_number: int = 1, page_size: int = 20
    ) -> Page[PhoneNumbersJob]:
        """One page of the account's phone-number jobs, newest first (`filter[type]` is
        delete_phone_numbers, update_emergency_settings or update_phone_numbers)."""
        params = filters(type=job_type) | deep_page_params(page_number, page_size)
        return self._page("/phone_numbers/jobs", PhoneNumbersJob, params)

    def get_job(self, job_id: str) -> PhoneNumbersJob:
        """A job's progress (GET /phone_numbers/jobs/{id}); safe to poll, retried like any GET."""
        path = f"/phone_numbers/jobs/{segment(job_id, 'job_id')}"
        return self._one("GET", path, PhoneNumbersJob, check=echoes(job_id))

    # -- messaging -----------------------------------------------------------------------------

    def create_messaging_bulk_update(
        self, messaging_profile_id: str, numbers: Sequence[str]
    ) -> MessagingBulkUpdate:
        """Assign many E.164 numbers to a messaging profile (`""` unassigns them).

        Never re-sent after an ambiguous failure; poll with `get_messaging_bulk_update`.
        """
        body = {"messaging_profile_id": messaging_profile_id, "numbers": _numbers(numbers)}
        return self._one("POST", "/messaging_numbers_bulk_updates", MessagingBulkUpdate, body=body)

    def get_messaging_bulk_update(self, order_id: str) -> MessagingBulkUpdate:
        """Where a messaging bulk update stands: success, pending and failed numbers."""
        path = f"/messaging_numbers_bulk_updates/{segment(order_id, 'order_id')}"
        return self._one("GET", path, MessagingBulkUpdate, check=echoes(order_id, "order_id"))
