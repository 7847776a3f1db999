"""``MiniEngine``: the deployment engine's step logic, with state kept between runs.

A program run (``run_program``) feeds registrations into ``MiniEngine.begin()``; ``refresh()``
and ``destroy()`` work on the stored state alone. Every run starts a fresh provider process, as
each ``pulumi`` command does, and leaves a ``RunRecord`` in ``engine.runs``. Each takes an
optional ``KillSwitch`` that kills its provider process mid-run (see ``kill``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

from pulumi_bulknumbers.testing._deployment import Deployment
from pulumi_bulknumbers.testing._registration import DeploymentError
from pulumi_bulknumbers.testing._run import Run
from pulumi_bulknumbers.testing.kill import KillSwitch
from pulumi_bulknumbers.testing.provider_process import ProviderProcess
from pulumi_bulknumbers.testing.state import RunRecord, StackState

__all__ = ["MiniEngine"]


class MiniEngine:
    """Stands in for the Pulumi engine and one stack's state.

    ``config`` is the stack config with namespaced keys (``{"telnyx:baseUrl": ...}``); the provider
    process receives all of it in ``Configure``, as with the real engine. ``cwd`` is where the
    provider process runs (the program's directory), ``pythonpath`` is prepended to its
    ``PYTHONPATH`` and ``env`` added to its environment.
    """

    def __init__(
        self,
        *,
        project: str = "test",
        stack: str = "dev",
        config: Mapping[str, str] | None = None,
        secret_keys: Sequence[str] = (),
        cwd: str | os.PathLike[str] | None = None,
        pythonpath: Sequence[str | os.PathLike[str]] = (),
        env: Mapping[str, str] | None = None,
        state: StackState | None = None,
        on_process_start: Callable[[ProviderProcess], None] | None = None,
    ) -> None:
        self.project = project
        self.stack = stack
        self.config: dict[str, str] = dict(config or {})
        self.secret_keys: set[str] = set(secret_keys)
        self.cwd = cwd
        self.pythonpath = list(pythonpath)
        self.env = dict(env or {})
        self.state = state if state is not None else StackState(project, stack)
        self.on_process_start = on_process_start
        self.runs: list[RunRecord] = []

    @property
    def last_run(self) -> RunRecord:
        """The most recent run's record."""
        if not self.runs:
            raise LookupError("no run yet")
        return self.runs[-1]

    def start_process(self, cwd: str | os.PathLike[str] | None = None) -> ProviderProcess:
        """Start a provider process configured with this stack's config."""
        proc = ProviderProcess(
            project=self.project,
            config=self.config,
            secret_keys=sorted(self.secret_keys),
            cwd=cwd if cwd is not None else self.cwd,
            pythonpath=self.pythonpath,
            env=self.env,
        )
        if self.on_process_start is not None:
            self.on_process_start(proc)
        return proc

    def begin(
        self,
        *,
        preview: bool,
        cwd: str | os.PathLike[str] | None = None,
        replace: Collection[str] = (),
        kill: KillSwitch | None = None,
    ) -> Deployment:
        """Open an ``up`` (or its preview); the caller registers resources, then ``commit``s.

        ``replace`` names resources (logical names or URNs) to replace whatever their diff says,
        like ``pulumi up --replace URN``; each must be in the state (``DeploymentError``
        otherwise, before anything runs). ``kill`` may kill the run's provider process.
        """
        record = RunRecord("preview" if preview else "up")
        self.runs.append(record)
        targets = self.replace_targets(replace)
        deployment = Deployment(
            self.state,
            record,
            lambda: self.start_process(cwd),
            preview=preview,
            replace=targets,
            kill=kill,
        )
        if not preview:
            try:
                deployment.delete_pending()
            except DeploymentError:
                deployment.close()
                raise
        return deployment

    def replace_targets(self, names: Collection[str]) -> set[str]:
        """The URNs ``names`` (logical names or URNs) denote in the state."""
        targets: set[str] = set()
        for name in names:
            found = {r.urn for r in self.state.resources if name in (r.urn, r.name)}
            if not found:
                # The engine's GetTargetCouldNotBeFoundError.
                raise DeploymentError(f"target {name!r} could not be found in the stack")
            targets |= found
        return targets

    def commit(self, deployment: Deployment, error: BaseException | None = None) -> RunRecord:
        """Finish ``deployment``: delete phase, then keep the new state unless it was a preview."""
        state = deployment.finish(error)
        if not deployment.preview:
            self.state = state
        return deployment.record

    def refresh(
        self,
        *,
        preview: bool = False,
        kill: KillSwitch | None = None,
        clear_pending_creates: bool = False,
    ) -> RunRecord:
        """``pulumi refresh``: Read every dynamic resource with its old inputs and outputs.

        An empty id drops the resource from the state; returned inputs replace the stored ones.
        Raises ``DeploymentError`` if a Read fails (the state is then left unchanged;
        ``ProviderKilledError`` when ``kill`` fired). ``clear_pending_creates`` forgets the
        creates a killed run left pending, like ``pulumi refresh --clear-pending-creates``.
        """
        record = RunRecord("refresh")
        self.runs.append(record)
        deployment = Run(self.state, record, self.start_process, preview=preview, kill=kill)
        resources = []
        try:
            for res in self.state.resources:
                if not res.dynamic or not res.custom:
                    resources.append(res)
                    continue
                proc = deployment.process
                read = functools.partial(proc.read, res.id, res.outputs, res.inputs, urn=res.urn)
                outcome = deployment.call(res.urn, read)
                if not outcome.id:
                    record.steps[res.urn] = "delete"
                    continue
                inputs = outcome.inputs if outcome.inputs is not None else res.inputs
                drift = outcome.outputs != res.outputs or inputs != res.inputs
                record.steps[res.urn] = "update" if drift else "same"
                resources.append(
                    replace(res, id=outcome.id, inputs=inputs, outputs=outcome.outputs)
                )
        finally:
            deployment.close()
        if not preview:
            pending = [] if clear_pending_creates else self.state.pending_operations
            self.state = StackState(self.state.project, self.state.stack, resources, pending)
        return record

    def destroy(self, *, kill: KillSwitch | None = None) -> RunRecord:
        """``pulumi destroy``: delete every resource in reverse registration order.

        Protected resources stop the destroy with a ``DeploymentError``; what was deleted before
        that is gone from the state. ``retain_on_delete`` resources leave the state undeleted.
        A ``kill`` that fires stops it with ``ProviderKilledError``; the delete in flight stays.
        """
        record = RunRecord("destroy")
        self.runs.append(record)
        deployment = Run(self.state, record, self.start_process, preview=False, kill=kill)
        remaining = list(self.state.resources)
        try:
            for res in reversed(self.state.resources):
                deployment.delete(res)
                remaining.remove(res)
        finally:
            deployment.close()
            self.state = StackState(
                self.state.project, self.state.stack, remaining, deployment.pending_after()
            )
        return record

    def to_json(self) -> str:
        """The state as JSON (see ``StackState.to_json``)."""
        return self.state.to_json()

    @classmethod
    def from_json(cls, text: str, **kwargs: Any) -> MiniEngine:
        """An engine holding the state saved by ``to_json``; ``kwargs`` go to the constructor."""
        state = StackState.from_json(text)
        kwargs.setdefault("project", state.project)
        kwargs.setdefault("stack", state.stack)
        return cls(state=state, **kwargs)
