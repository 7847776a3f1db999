"""Two pools, one per country, each with named ordering groups and settings of its own.

Named groups stay themselves through any change (count, criteria, place in the list), and
`group_numbers` gives one group's numbers to whatever needs them.
"""

import pulumi

from pulumi_bulknumbers import BulkNumberOrder, OrderingGroupArgs

us = BulkNumberOrder(
    "us-pool",
    ordering_groups=[
        OrderingGroupArgs(
            name="bay-area",
            country_iso="US",
            phone_number_type="local",
            count_requested=20,
            national_destination_code="415",
            features=["sms", "voice"],
        ),
        OrderingGroupArgs(
            name="texas",
            country_iso="US",
            phone_number_type="local",
            count_requested=10,
            administrative_area="TX",
        ),
        OrderingGroupArgs(
            name="hotline",
            country_iso="US",
            phone_number_type="toll_free",
            count_requested=2,
            national_destination_code="888",
            strategy="never",
        ),
    ],
    connection_id="1494404757140276705",
    customer_reference="us-support",
)

ca = BulkNumberOrder(
    "ca-pool",
    ordering_groups=[
        OrderingGroupArgs(
            name="toronto",
            country_iso="CA",
            phone_number_type="local",
            count_requested=8,
            national_destination_code="416",
        ),
        OrderingGroupArgs(
            name="quebec",
            country_iso="CA",
            phone_number_type="local",
            count_requested=4,
            administrative_area="QC",
            features=["voice"],
        ),
    ],
    billing_group_id="6a09cdc3-8948-47f0-aa62-74ac943d6c58",
)

pulumi.export("us_numbers", us.phone_numbers)
pulumi.export("us_status", us.status)
pulumi.export("us_hotline", us.group_numbers("hotline"))
pulumi.export("ca_numbers", ca.phone_numbers)
pulumi.export("ca_status", ca.status)
