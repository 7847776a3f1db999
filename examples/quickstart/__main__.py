"""Quick start: one pool of 18 numbers in three ordering groups (the README's example)."""

import pulumi

from pulumi_bulknumbers import BulkNumberOrder, OrderingGroupArgs

config = pulumi.Config()
profile_id = config.get("messagingProfileId") or "40017f8e-49bd-4f16-9e3d-ef103f916228"

pool = BulkNumberOrder(
    "support-pool",
    ordering_groups=[
        OrderingGroupArgs(
            country_iso="US",
            phone_number_type="local",
            count_requested=5,
            administrative_area="CA",
            features=["voice"],
        ),
        OrderingGroupArgs(
            country_iso="US",
            phone_number_type="toll_free",
            count_requested=3,
            features=["sms"],
            strategy="never",
        ),
        OrderingGroupArgs(
            country_iso="US",
            phone_number_type="local",
            count_requested=config.get_int("nycCount") or 10,
            national_destination_code="212",
        ),
    ],
    messaging_profile_id=profile_id,  # applied to every number bought
    opts=pulumi.ResourceOptions(protect=config.get_bool("protect") or False),
)

pulumi.export("order_id", pool.order_id)
pulumi.export("status", pool.status)
pulumi.export("numbers", pool.phone_numbers)
pulumi.export("groups", pool.groups)
