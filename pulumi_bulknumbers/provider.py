"""The Pulumi dynamic provider for BulkNumberOrder: a thin adapter between props and the pool.

It pickles by reference (an importable module, no attributes at construction) and reads its
API key and base URL at run time in the provider process (`configure`, then the environment),
so neither ever reaches the program's state. check and diff make no network call.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

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
from pulumi_bulknumbers.errors import BulkNumbersError, UsageError
from pulumi_bulknumbers.groups import group_key
from pulumi_bulknumbers.inputs import DEFAULT_WAIT_SECONDS, is_unknown, normalize, validate_inputs
from pulumi_bulknumbers.inventory import check_inventory, needed
from pulumi_bulknumbers.lifecycle import PoolSteps
from pulumi_bulknumbers.models import OrderingGroup
from pulumi_bulknumbers.plan import declared, effective_settings, plan_diff
from pulumi_bulknumbers.pool import DECLARED_GROUP_KEYS, PoolOperations
from pulumi_bulknumbers.preview import describe_changes
from pulumi_bulknumbers.recovery import Recovery
from pulumi_bulknumbers.state import (
    OrderRecord,
    OrderSlot,
    PoolState,
    state_from_outputs,
    state_outputs,
)
from pulumi_bulknumbers.transport import RetryPolicy

F = TypeVar("F", bound=Callable[..., Any])


def _plain_errors(method: F) -> F:
    """Our own errors reach the user as their message, not a deep traceback.

    The dynamic provider server reports every exception with its traceback; cutting ours to
    the raise keeps the message (what happened, what was and was not bought, what to do) in
    view. Anything else is a bug, and keeps its full traceback for the report.
    """

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except BulkNumbersError as exc:
            raise exc.with_traceback(None) from None

    return wrapper  # type: ignore[return-value]


_CONFIG_KEYS = ("telnyx:apiKey", "telnyx:baseUrl", "telnyx:inventoryCheck")
_TRUE = ("true", "1", "yes")


class BulkNumberOrderProvider(ResourceProvider):
    """check/diff/create/read/update/delete for a pool of numbers bought by bulk orders."""

    # Nothing secret is ever captured: the key is read in the provider process.
    serialize_as_secret_always = False

    def configure(self, req: ConfigureRequest) -> None:
        """Keep the two config values the provider reads; nothing else of the stack."""
        self._config = {k: v for k in _CONFIG_KEYS if (v := req.config.get(k))}

    # -- no network -----------------------------------------------------------------------

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate the declared inputs: one CheckFailure per bad field.

        With the inventory check on (opt-in), also ask Telnyx whether each group that will
        buy can be filled: the only network call check makes.
        """
        failures = validate_inputs(news)
        if failures:
            return CheckResult(news, [CheckFailure(f.path, f.reason) for f in failures])
        spec = normalize(news)
        if self._inventory_check_on(spec) and not is_unknown(spec.get("ordering_groups")):
            failures = self._check_inventory(normalize(olds or {}), spec)
        return CheckResult(spec, [CheckFailure(f.path, f.reason) for f in failures])

    def _inventory_check_on(self, spec: Mapping[str, Any]) -> bool:
        if "inventory_check" in spec:
            return bool(spec["inventory_check"])
        setting = str(getattr(self, "_config", {}).get("telnyx:inventoryCheck", ""))
        return setting.lower() in _TRUE

    def _check_inventory(self, olds: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Any]:
        wants = needed(olds, spec)
        if not wants:
            return []
        name = _name(spec)
        settings = ProviderSettings.load(getattr(self, "_config", None), os.environ)
        try:
            key = settings.require_key()
        except UsageError:
            pulumi.log.warn(f"{name}: inventory check skipped: no Telnyx API key configured")
            return []
        quick = RetryPolicy(max_attempts=2, max_total_seconds=5.0, rate_limit_seconds=5.0)
        with BulkNumbersClient(key, base_url=settings.base_url, timeout=5.0, retry=quick) as client:
            report = check_inventory(client, name, wants)
        for warning in report.warnings:
            pulumi.log.warn(warning)
        return report.failures

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

    @_plain_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        """Submit (or adopt, or recover) the order, wait for it, and record what it bought."""
        spec = normalize(props)
        with self._client() as client:
            state = self._steps(client, spec).create()
        outs = _outputs(spec, state)
        return CreateResult(outs["order_id"], outs)

    @_plain_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh the orders' status and which of the pool's numbers the account still owns."""
        spec = normalize(props)
        with self._client() as client:
            steps = self._steps(client, spec)
            imported = props.get("order_ids") is None and props.get("order_id") is None
            if imported:
                # `ResourceOptions(id=...)`: an order this program did not buy.
                spec, state = _imported(steps, id_, spec)
            else:
                state = state_from_outputs(props)
            refreshed = steps.read(state, props, imported=imported)
        if refreshed is None:
            steps.ops.warn(f"{steps.ops.name}: bulk order {id_} no longer exists; dropping it")
            return ReadResult("", {})
        inputs = declared(spec)
        return ReadResult(id_, _outputs(spec, refreshed), inputs)

    @_plain_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Finish running orders, then buy, release and change settings in place."""
        spec = normalize(news)
        with self._client() as client:
            steps = self._steps(client, spec, reference_from=olds)  # numbers carry the old label
            state = steps.update(state_from_outputs(olds), olds)
        if steps.deferred:
            # Nothing of the change was applied: keep the old inputs so the next diff shows it.
            return UpdateResult(_outputs(normalize(olds), state))
        return UpdateResult(_outputs(spec, state))

    @_plain_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Release every owned number; orders still running are waited for first."""
        spec = normalize(props)
        with self._client() as client:
            self._steps(client, spec).delete(state_from_outputs(props))

    # -- helpers --------------------------------------------------------------------------

    def _client(self) -> BulkNumbersClient:
        settings = ProviderSettings.load(getattr(self, "_config", None), os.environ)
        return BulkNumbersClient(settings.require_key(), base_url=settings.base_url)

    def _steps(
        self,
        client: BulkNumbersClient,
        spec: Mapping[str, Any],
        reference_from: Mapping[str, Any] | None = None,
    ) -> PoolSteps:
        name = _name(spec)
        ops = PoolOperations(
            client,
            name=name,
            reference=effective_settings(reference_from or spec)["customer_reference"] or "",
            log=pulumi.log.info,
            warn=pulumi.log.warn,
        )
        recovery = Recovery(client, name, log=pulumi.log.info, warn=pulumi.log.warn)
        return PoolSteps(ops, recovery, spec, _timeout(spec))


def _name(spec: Mapping[str, Any]) -> str:
    key = spec.get("pool_key")
    return str(key).rsplit("/", 1)[-1] if key else "bulk order"


def _timeout(spec: Mapping[str, Any]) -> float:
    value = spec.get("wait_timeout_seconds")
    return float(value) if value is not None else float(DEFAULT_WAIT_SECONDS)


def _outputs(spec: Mapping[str, Any], state: PoolState) -> dict[str, Any]:
    return {**declared(spec), **state_outputs(state, list(spec.get("ordering_groups") or []))}


def _imported(
    steps: PoolSteps, order_id: str, spec: dict[str, Any]
) -> tuple[dict[str, Any], PoolState]:
    """Inputs and state for an order read by id: its groups as the program would declare them."""
    order = steps.ops.client.get_bulk_order(order_id)
    if not spec.get("customer_reference"):
        # Its numbers carry the label of whoever bought it, not this pool's default one.
        steps.ops.reference = order.customer_reference or steps.ops.reference
    if not spec.get("ordering_groups"):
        spec = {**spec, "ordering_groups": [_declared_group(g) for g in order.ordering_groups]}
    slots = [OrderSlot(group_key(g), dict(g)) for g in spec["ordering_groups"]]
    state = PoolState(orders=[OrderRecord(order.id, "processing", slots, order.created_at)])
    return spec, state


def _declared_group(group: OrderingGroup) -> dict[str, Any]:
    """A group as the program would declare it, from an order read by id."""
    values = {k: getattr(group, k) for k in DECLARED_GROUP_KEYS}
    return {k: v for k, v in values.items() if v is not None}
