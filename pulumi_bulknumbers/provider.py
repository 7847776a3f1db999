"""The Pulumi dynamic provider for BulkNumberOrder: a thin adapter between props and the pool.

It pickles by reference (an importable module, no attributes at construction) and reads its
API key and base URL at run time in the provider process (`configure`, then the environment),
so neither ever reaches the program's state. check and diff make no network call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

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

from pulumi_bulknumbers.inputs import DEFAULT_WAIT_SECONDS, is_unknown, normalize, validate_inputs
from pulumi_bulknumbers.plan import declared, plan_diff
from pulumi_bulknumbers.preview import describe_changes
from pulumi_bulknumbers.state import PoolState, state_from_outputs, state_outputs

if TYPE_CHECKING:
    from pulumi_bulknumbers.lifecycle import PoolSteps

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
        except Exception as exc:
            from pulumi_bulknumbers.errors import BulkNumbersError

            if isinstance(exc, BulkNumbersError):
                raise exc.with_traceback(None) from None
            raise

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
        from pulumi_bulknumbers import _runtime

        return _runtime.check_inventory(self._settings(), _name(spec), olds, spec)

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
        with self._steps(spec) as steps:
            state = steps.create()
        outs = _outputs(spec, state)
        return CreateResult(outs["order_id"], outs)

    @_plain_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh the orders' status and which of the pool's numbers the account still owns."""
        spec = normalize(props)
        with self._steps(spec) as steps:
            imported = props.get("order_ids") is None and props.get("order_id") is None
            if imported:
                # `ResourceOptions(id=...)`: an order this program did not buy.
                spec, state = steps.imported(id_)
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
        with self._steps(spec, reference_from=olds) as steps:  # numbers carry the old label
            state = steps.update(state_from_outputs(olds), olds)
        if steps.deferred:
            # Nothing of the change was applied: keep the old inputs so the next diff shows it.
            return UpdateResult(_outputs(normalize(olds), state))
        return UpdateResult(_outputs(spec, state))

    @_plain_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Release every owned number; orders still running are waited for first."""
        spec = normalize(props)
        with self._steps(spec) as steps:
            steps.delete(state_from_outputs(props))

    # -- helpers --------------------------------------------------------------------------

    def _settings(self) -> Mapping[str, Any]:
        return dict(getattr(self, "_config", None) or {})

    def _steps(
        self, spec: Mapping[str, Any], reference_from: Mapping[str, Any] | None = None
    ) -> PoolSteps:
        # Imported here, on the first network step: check and diff (all a preview runs)
        # never load the client, httpx or the pydantic models.
        from pulumi_bulknumbers import _runtime

        return _runtime.pool_steps(
            self._settings(), spec, _name(spec), _timeout(spec), reference_from
        )


def _name(spec: Mapping[str, Any]) -> str:
    key = spec.get("pool_key")
    return str(key).rsplit("/", 1)[-1] if key else "bulk order"


def _timeout(spec: Mapping[str, Any]) -> float:
    value = spec.get("wait_timeout_seconds")
    return float(value) if value is not None else float(DEFAULT_WAIT_SECONDS)


def _outputs(spec: Mapping[str, Any], state: PoolState) -> dict[str, Any]:
    return {**declared(spec), **state_outputs(state, list(spec.get("ordering_groups") or []))}
