"""A pool's numbers wired into another resource: a routing file for a support app."""

import pulumi
from directory import NumberDirectory

from pulumi_bulknumbers import BulkNumberOrder, OrderingGroupArgs

config = pulumi.Config()

pool = BulkNumberOrder(
    "sales-pool",
    ordering_groups=[
        OrderingGroupArgs(
            country_iso="US",
            phone_number_type="local",
            count_requested=6,
            national_destination_code="312",
        ),
    ],
    connection_id="1494404757140276705",
)

directory = NumberDirectory(
    "sales-directory",
    path=config.get("directoryPath") or "sales-numbers.json",
    team="sales",
    numbers=pool.phone_numbers,
)

pulumi.export("numbers", pool.phone_numbers)
pulumi.export("directory", directory.urn)
