"""What the provider builds once it needs the network: a client, a pool's steps, the inventory
check. Imported on the first network step only, so a preview (check and diff) never loads the
client, httpx or the pydantic models.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pulumi

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.config import ProviderSettings
from pulumi_bulknumbers.errors import UsageError
from pulumi_bulknumbers.inventory import check_inventory as ask_coverage
from pulumi_bulknumbers.inventory import needed
from pulumi_bulknumbers.lifecycle import PoolSteps
from pulumi_bulknumbers.plan import effective_settings
from pulumi_bulknumbers.pool import PoolOperations
from pulumi_bulknumbers.recovery import Recovery
from pulumi_bulknumbers.transport import RetryPolicy

INVENTORY_RETRY = RetryPolicy(max_attempts=2, max_total_seconds=5.0, rate_limit_seconds=5.0)
"""The preview's inventory check gives up fast: a failing coverage API only warns."""


def pool_steps(
    config: Mapping[str, Any],
    spec: Mapping[str, Any],
    name: str,
    timeout: float,
    reference_from: Mapping[str, Any] | None = None,
) -> PoolSteps:
    """A pool's steps over a new client (close it with `with`)."""
    settings = ProviderSettings.load(config, os.environ)
    client = BulkNumbersClient(settings.require_key(), base_url=settings.base_url)
    ops = PoolOperations(
        client,
        name=name,
        reference=effective_settings(reference_from or spec)["customer_reference"] or "",
        log=pulumi.log.info,
        warn=pulumi.log.warn,
    )
    recovery = Recovery(client, name, log=pulumi.log.info, warn=pulumi.log.warn)
    return PoolSteps(ops, recovery, spec, timeout)


def check_inventory(
    config: Mapping[str, Any], name: str, olds: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Any]:
    """The inventory check's failures; its warnings go to the log."""
    wants = needed(olds, spec)
    if not wants:
        return []
    settings = ProviderSettings.load(config, os.environ)
    try:
        key = settings.require_key()
    except UsageError:
        pulumi.log.warn(f"{name}: inventory check skipped: no Telnyx API key configured")
        return []
    with BulkNumbersClient(
        key, base_url=settings.base_url, timeout=5.0, retry=INVENTORY_RETRY
    ) as client:
        report = ask_coverage(client, name, wants)
    for warning in report.warnings:
        pulumi.log.warn(warning)
    return report.failures
