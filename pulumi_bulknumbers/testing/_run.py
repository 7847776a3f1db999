"""What every command's run shares: its provider process, its errors, kills and deletes.

``Run`` is the base of an ``up`` (``Deployment``) and serves ``refresh`` and ``destroy`` as is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pulumi_bulknumbers.testing._registration import DeploymentError, ProviderKilledError
from pulumi_bulknumbers.testing.kill import KillSwitch
from pulumi_bulknumbers.testing.provider_process import ProviderProcess
from pulumi_bulknumbers.testing.results import ProviderError
from pulumi_bulknumbers.testing.state import (
    PendingKind,
    PendingOperation,
    ResourceState,
    RunRecord,
    StackState,
)

__all__ = ["Run"]

_E = TypeVar("_E", bound=DeploymentError)


class Run:
    """One command against ``old`` state, with at most one provider process, started lazily."""

    def __init__(
        self,
        old: StackState,
        record: RunRecord,
        start_process: Callable[[], ProviderProcess],
        *,
        preview: bool,
        kill: KillSwitch | None = None,
    ) -> None:
        if kill is not None and kill.armed:
            raise ValueError("a KillSwitch kills one run's provider; make a new one per run")
        self.old = old
        self.record = record
        self.preview = preview
        self.kill = kill
        self.failure: DeploymentError | None = None
        """The first error of the run, as raised."""
        self.interrupted: list[PendingOperation] = []
        """Operations the kill cut short, for the state's ``pending_operations``."""
        self._start_process = start_process
        self._proc: ProviderProcess | None = None
        self._gone: set[int] = set()
        if not preview and old.pending_operations:
            record.warnings.append(_pending_warning(old.pending_operations))

    @property
    def process(self) -> ProviderProcess:
        """The provider process of this run, started on first use."""
        if self._proc is None:
            self._proc = self._start_process()
            if self.kill is not None:
                self.kill.arm(self._proc)
        return self._proc

    def close(self) -> None:
        """Collect the provider's logs and calls into the record, then stop it."""
        if self.kill is not None:
            self.kill.disarm()
            self.record.killed = self.kill.fired.is_set()
        if self._proc is not None:
            self.record.logs.extend(self._proc.logs)
            self.record.calls.extend(self._proc.methods)
            self._proc.close()
            self._proc = None

    def fail(self, message: str, cause: BaseException | None = None) -> DeploymentError:
        """Record ``message`` as the run's error and build the exception to raise."""
        return self._failed(DeploymentError(message, self.record), cause)

    def _failed(self, error: _E, cause: BaseException | None) -> _E:
        self.record.error = self.record.error or str(error)
        error.__cause__ = cause
        self.failure = self.failure or error
        return error

    def killed(self, urn: str, exc: ProviderError | None) -> ProviderKilledError:
        """The error for a step that needed the provider after the kill switch killed it."""
        assert self.kill is not None
        reason = self.kill.describe()
        method = exc.method if exc is not None else ""
        during = f" during {method}" if method else ""
        message = (
            f"{urn or 'the run'}: the provider process was killed ({reason}){during}; the run "
            "stopped, and the state keeps only the steps that completed before the kill"
        )
        error = ProviderKilledError(message, self.record, urn=urn, method=method, reason=reason)
        return self._failed(error, exc)

    def call(self, urn: str, fn: Callable[[], Any], pending: PendingKind | None = None) -> Any:
        """Run one provider call; a provider failure becomes a ``DeploymentError``.

        ``pending`` names the operation a kill during this call leaves pending in the state.
        """
        if self.kill is not None and self.kill.fired.is_set():
            raise self.killed(urn, None)
        try:
            return fn()
        except ProviderError as exc:
            if self.kill is not None and self.kill.fired.is_set():
                if pending is not None:
                    self.interrupted.append(PendingOperation(urn, pending))
                raise self.killed(urn, exc) from exc
            raise self.fail(f"{urn}: {exc}", exc) from exc

    def delete(self, res: ResourceState, *, step: bool = True) -> None:
        """Delete ``res`` (unless retained, external or preview); protected resources fail."""
        if res.protect:
            raise self.fail(
                f"{res.urn}: resource is protected; set protect=False and run up before deleting it"
            )
        if res.external:
            self.record.steps[res.urn] = "discard"
        else:
            if res.dynamic and not res.retain_on_delete and not self.preview:
                proc = self.process
                self.call(
                    res.urn,
                    lambda: proc.delete(res.id, res.outputs, res.inputs, urn=res.urn),
                    "deleting",
                )
            if step:
                self.record.steps[res.urn] = "delete"
        self._gone.add(id(res))

    def check(self, urn: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        """Check; failures become a ``DeploymentError`` naming each property."""
        proc = self.process
        outcome = self.call(urn, lambda: proc.check(urn, olds, news))
        if outcome.failures:
            problems = "; ".join(f"{f.property}: {f.reason}" for f in outcome.failures)
            raise self.fail(f"{urn}: check failed: {problems}")
        checked: dict[str, Any] = outcome.inputs
        return checked

    def pending_after(self) -> list[PendingOperation]:
        """The state's pending operations after this run: carried creates, then this run's."""
        return [*self.old.carried_pending(), *self.interrupted]


def _pending_warning(operations: list[PendingOperation]) -> str:
    listed = ", ".join(f"{op.urn} (interrupted while {op.type})" for op in operations)
    return (
        f"attempting to deploy or update resources with {len(operations)} pending operations "
        f"from a previous deployment: {listed}. They are in an unknown state; check the "
        "provider's side, then run refresh to clear them."
    )
