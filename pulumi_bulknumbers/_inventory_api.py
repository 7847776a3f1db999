"""What Telnyx has in stock: inventory coverage and the number search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pulumi_bulknumbers._client_core import ClientCore
from pulumi_bulknumbers._params import filters
from pulumi_bulknumbers.models import AvailablePhoneNumber, InventoryCoverage

__all__ = ["InventoryAPI"]


class InventoryAPI(ClientCore):
    """Endpoints /inventory_coverage and /available_phone_numbers (neither is paged)."""

    def inventory_coverage(
        self,
        *,
        country_code: str,
        phone_number_type: str | None = None,
        group_by: Literal["national_destination_code", "locality", "npa"] = (
            "national_destination_code"
        ),
        administrative_area: str | None = None,
        npa: int | str | None = None,
        nxx: int | str | None = None,
        features: Sequence[str] | None = None,
        count: bool = True,
    ) -> list[InventoryCoverage]:
        """How many numbers are available, grouped by area code, locality or NPA.

        Check this before a bulk order: numbers are only taken if in stock when it runs.

        >>> [(c.group, c.count) for c in client.inventory_coverage(country_code="US",
        ...                                                      administrative_area="NY")]
        """
        params = filters(
            country_code=country_code,
            phone_number_type=phone_number_type,
            # The spec spells this key in camelCase, unlike every other filter.
            groupBy=group_by,
            administrative_area=administrative_area,
            npa=npa,
            nxx=nxx,
            features=list(features) if features is not None else None,
            count=count,
        )
        return self._list("/inventory_coverage", InventoryCoverage, params)

    def available_phone_numbers(
        self,
        *,
        country_code: str,
        phone_number_type: str | None = None,
        national_destination_code: str | None = None,
        administrative_area: str | None = None,
        locality: str | None = None,
        features: Sequence[str] | None = None,
        starts_with: str | None = None,
        ends_with: str | None = None,
        contains: str | None = None,
        quickship: bool | None = None,
        exclude_held_numbers: bool | None = None,
        limit: int | None = None,
    ) -> list[AvailablePhoneNumber]:
        """Search numbers that can be ordered now (the explicit workflow's first step).

        Pass the results to `create_number_order` soon: only recently found numbers can be
        ordered.
        """
        pattern = {"starts_with": starts_with, "ends_with": ends_with, "contains": contains}
        params = filters(
            country_code=country_code,
            phone_number_type=phone_number_type,
            national_destination_code=national_destination_code,
            administrative_area=administrative_area,
            locality=locality,
            features=list(features) if features is not None else None,
            phone_number={k: v for k, v in pattern.items() if v is not None} or None,
            quickship=quickship,
            exclude_held_numbers=exclude_held_numbers,
            limit=limit,
        )
        return self._list("/available_phone_numbers", AvailablePhoneNumber, params)
