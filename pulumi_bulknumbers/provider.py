"""The Pulumi dynamic provider for BulkNumberOrder: a thin adapter between props and the pool.

It pickles by reference (an importable module, no attributes at construction) and reads its
API key and base URL at run time in the provider process (`configure`, then the environment),
so neither ever reaches the program's state. check and diff make no network call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.config import ProviderSettings
from pulumi_bulknumbers.errors import NotFoundError, OrderFailedError
from pulumi_bulknumbers.inputs import DEFAULT_WAIT_SECONDS, normalize, validate_inputs
from pulumi_bulknumbers.models import OrderingGroup
from pulumi_bulknumbers.outputs import (
    IN_FLIGHT,
    number_outputs,
    numbers_from_outputs,
    order_outputs,
)
from pulumi_bulknumbers.plan import (
    declared,
    describe_changes,
    effective_settings,
    plan_diff,
    to_request,
)
from pulumi_bulknumbers.pool import DECLARED_GROUP_KEYS, PoolOperations

_CONFIG_KEYS = ("telnyx:apiKey", "telnyx:baseUrl")


class BulkNumberOrderProvider(ResourceProvider):
    """check/diff/create/read/update/delete for a pool of numbers bought by one bulk order."""

    # Nothing secret is ever captured: the key is read in the provider process.
    serialize_as_secret_always = False

    def configure(self, req: ConfigureRequest) -> None:
        """Keep the two config values the provider reads; nothing else of the stack."""
        self._config = {k: v for k in _CONFIG_KEYS if (v := req.config.get(k))}

    # -- no network -----------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate the declared inputs: one CheckFailure per bad field."""
        failures = validate_inputs(news)
        if failures:
            return CheckResult(news, [CheckFailure(f.path, f.reason) for f in failures])
        return CheckResult(normalize(news), [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare declared inputs only; say in words what an update would do."""
        plan = plan_diff(olds, news)
        if plan.changes or plan.replaces:
            pulumi.log.info(describe_changes(_name(news or olds), olds, plan))
        return DiffResult(
            changes=bool(plan.changes or plan.replaces),
            replaces=plan.replaces,
            delete_before_replace=False,
        )

    # -- network --------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Submit (or adopt) the order, wait for it, and record what it bought."""
        spec = normalize(props)
        with self._client() as client:
            ops = self._ops(client, spec)
            request = to_request(spec, ops.reference)
            adopt_id = spec.get("adopt_order_id")
            order = ops.adopt(adopt_id, request) if adopt_id else ops.submit(request)
            outcome = ops.wait(order, _timeout(spec))
            order = outcome.value
            numbers: dict[str, str] = {}
            if outcome.finished:
                ops.check_outcome(order)
                numbers = ops.resolve(order)
            else:
                ops.warn(_still_running(ops.name, order.id, outcome.waited))
        return CreateResult(
            order.id, {**declared(spec), **order_outputs(order), **number_outputs(numbers)}
        )

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh the order's status and which of its numbers the account still owns."""
        spec = normalize(props)
        with self._client() as client:
            ops = self._ops(client, spec)
            try:
                order = client.get_bulk_order(id_)
            except NotFoundError:
                ops.warn(f"{ops.name}: bulk order {id_} no longer exists; dropping it from state")
                return ReadResult("", {})
            if "pool_key" not in spec and not spec.get("customer_reference"):
                # `ResourceOptions(id=...)`: an order this program did not buy.
                ops.reference = order.customer_reference or ops.reference
            stored = numbers_from_outputs(props)
            if props.get("status") in IN_FLIGHT or props.get("status") is None:
                numbers = ops.resolve(order, relabel=False) if order.done else {}
            else:
                numbers = ops.owned(stored)
                _warn_dropped(ops, stored, numbers)
        if not spec.get("ordering_groups"):
            spec["ordering_groups"] = [_declared_group(g) for g in order.ordering_groups]
        inputs = declared(spec)
        return ReadResult(
            id_, {**inputs, **order_outputs(order), **number_outputs(numbers)}, inputs
        )

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Resume a pending order, then apply changed settings to every owned number."""
        spec = normalize(news)
        with self._client() as client:
            ops = self._ops(client, olds)  # numbers still carry the old label
            order = client.get_bulk_order(id_)
            numbers = numbers_from_outputs(olds)
            if olds.get("status") in IN_FLIGHT:
                outcome = ops.wait(order, _timeout(spec))
                order = outcome.value
                if not outcome.finished:
                    ops.warn(_still_running(ops.name, order.id, outcome.waited))
                elif order.count_allocated == 0:
                    ops.warn(f"{ops.name}: bulk order {order.id} ended without buying numbers")
                else:
                    ops.check_outcome(order)
                    numbers = ops.resolve(order)
            before, after = effective_settings(olds), effective_settings(spec)
            changes = {k: v for k, v in after.items() if before.get(k) != v}
            if changes and numbers:
                # Only numbers still owned: a job naming a released number is refused whole.
                owned = ops.owned(numbers)
                _warn_dropped(ops, numbers, owned)
                numbers = owned
                ops.apply_settings(sorted(numbers), changes)
        outs = {**declared(spec), **order_outputs(order), **number_outputs(numbers)}
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Release every owned number; an order still running is waited for first."""
        spec = normalize(props)
        with self._client() as client:
            ops = self._ops(client, spec)
            numbers = numbers_from_outputs(props)
            if props.get("status") in IN_FLIGHT:
                try:
                    order = client.get_bulk_order(id_)
                except NotFoundError:
                    order = None
                if order is not None:
                    outcome = ops.wait(order, _timeout(spec))
                    if not outcome.finished:
                        raise OrderFailedError(
                            f"{ops.name}: bulk order {id_} is still running, and numbers it "
                            "buys later would be left behind. Run `pulumi destroy` again once "
                            "it has finished."
                        )
                    numbers.update(ops.resolve(outcome.value))
            ops.release(numbers)

    # -- helpers --------------------------------------------------------------------------

    def _client(self) -> BulkNumbersClient:
        settings = ProviderSettings.load(getattr(self, "_config", None), os.environ)
        return BulkNumbersClient(settings.require_key(), base_url=settings.base_url)

    def _ops(self, client: BulkNumbersClient, spec: Mapping[str, Any]) -> PoolOperations:
        return PoolOperations(
            client,
            name=_name(spec),
            reference=effective_settings(spec)["customer_reference"] or "",
            log=pulumi.log.info,
            warn=pulumi.log.warn,
        )


def _name(spec: Mapping[str, Any]) -> str:
    key = spec.get("pool_key")
    return str(key).rsplit("/", 1)[-1] if key else "bulk order"


def _warn_dropped(ops: PoolOperations, stored: Mapping[str, str], owned: Mapping[str, str]) -> None:
    dropped = sorted(set(stored) - set(owned))
    if dropped:
        shown = ", ".join(dropped[:10]) + (" ..." if len(dropped) > 10 else "")
        ops.warn(
            f"{ops.name}: {len(dropped)} numbers were released outside Pulumi and are no "
            f"longer part of the pool: {shown}"
        )


def _timeout(spec: Mapping[str, Any]) -> float:
    value = spec.get("wait_timeout_seconds")
    return float(value) if value is not None else float(DEFAULT_WAIT_SECONDS)


def _still_running(name: str, order_id: str, waited: float) -> str:
    return (
        f"{name}: bulk order {order_id} is still running after {waited:.0f}s; it is recorded "
        "as it stands, and the next `pulumi up` resumes waiting for it."
    )


def _declared_group(group: OrderingGroup) -> dict[str, Any]:
    """A group as the program would declare it, from an order read by id."""
    values = {k: getattr(group, k) for k in DECLARED_GROUP_KEYS}
    return {k: v for k, v in values.items() if v is not None}
