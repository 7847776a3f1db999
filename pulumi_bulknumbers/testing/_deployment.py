"""One deployment (``up`` or its preview): the engine's step generation for each registration.

Mirrors pkg/resource/deploy/step_generator.go for custom resources: Check (olds = previous
inputs), Diff for existing resources (DIFF_UNKNOWN falls back to comparing inputs, ``__provider``
included), Update, or a replacement (re-Check with olds={}, then create-before-delete, or
delete-before-replace), and Delete for what the program no longer registers. A targeted replace
(``pulumi up --replace``) checks with olds={} and skips Diff, blaming ``id``. A ``KillSwitch``
that kills the provider stops the run at the step in flight (``ProviderKilledError``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any

from pulumi_bulknumbers.testing._marshal import strip_secrets
from pulumi_bulknumbers.testing._registration import (
    DeploymentError,
    ProviderKilledError,
    Registration,
    program_view,
)
from pulumi_bulknumbers.testing._run import Run
from pulumi_bulknumbers.testing.kill import KillSwitch
from pulumi_bulknumbers.testing.provider_process import ProviderProcess
from pulumi_bulknumbers.testing.results import DiffOutcome
from pulumi_bulknumbers.testing.state import DYNAMIC_PREFIX, ResourceState, RunRecord, StackState

__all__ = ["Deployment", "DeploymentError", "ProviderKilledError", "Registration"]

_TARGETED_DIFF = DiffOutcome("some", ["id"], False)
"""What the engine makes up instead of calling Diff for a targeted replace."""


class Deployment(Run):
    """The steps of one ``up`` against ``old`` state; ``finish()`` returns the state to keep."""

    def __init__(
        self,
        old: StackState,
        record: RunRecord,
        start_process: Callable[[], ProviderProcess],
        *,
        preview: bool,
        replace: Collection[str] = (),
        kill: KillSwitch | None = None,
    ) -> None:
        super().__init__(old, record, start_process, preview=preview, kill=kill)
        self.targets = frozenset(replace)
        """URNs to replace whatever their diff says (``pulumi up --replace``)."""
        self._lock = threading.Lock()
        self._done: dict[str, ResourceState] = {}
        self._replaced: list[ResourceState] = []

    # -- registrations -------------------------------------------------------------------------
    def register(self, reg: Registration) -> tuple[str, dict[str, Any]]:
        """Run the steps for one registration; returns the id and outputs the program sees."""
        with self._lock:
            if not reg.custom:
                return "", reg.inputs
            if reg.id:
                res = self._read(reg, reg.id, reg.inputs, "read")
            elif reg.import_id:
                res = self._read(reg, reg.import_id, {}, "import")
            elif reg.type.startswith(DYNAMIC_PREFIX):
                res = self._dynamic(reg)
            else:
                res = self._echo(reg)
            self._done[reg.urn] = res
            return ("" if self.preview and not res.id else res.id), program_view(res)

    def _state(
        self,
        reg: Registration,
        id_: str,
        inputs: dict[str, Any],
        outputs: dict[str, Any],
        secrets: set[str],
    ) -> ResourceState:
        secret = secrets | set(reg.additional_secret_outputs)
        return ResourceState(
            reg.urn,
            reg.type,
            id_,
            inputs,
            outputs,
            secret_outputs=sorted(k for k in secret if k in outputs or k in inputs),
            protect=reg.protect,
            retain_on_delete=reg.retain_on_delete,
        )

    def _echo(self, reg: Registration) -> ResourceState:
        old = self.old.get(reg.urn)
        inputs, secrets = strip_secrets(reg.inputs)
        if old is None:
            self.record.steps[reg.urn] = "create"
        else:
            self.record.steps[reg.urn] = "same" if old.inputs == inputs else "update"
        id_ = old.id if old else ("" if self.preview else f"{reg.name}-id")
        return self._state(reg, id_, inputs, dict(inputs), set(secrets))

    def _read(self, reg: Registration, id_: str, props: dict[str, Any], op: str) -> ResourceState:
        # The engine reads during preview too (ReadStep / ImportStep).
        inputs, secrets = strip_secrets(props)
        proc = self.process
        outcome = self.call(reg.urn, lambda: proc.read(id_, inputs, inputs, urn=reg.urn))
        if not outcome.id:
            raise self.fail(f"{reg.urn}: resource '{id_}' does not exist")
        if op == "import" and outcome.inputs is None:
            raise self.fail(f"{reg.urn}: provider does not support importing resources")
        self.record.steps[reg.urn] = "read" if op == "read" else "import"
        res = self._state(reg, outcome.id, outcome.inputs or inputs, outcome.outputs, set(secrets))
        res.external = op == "read"
        return res

    def _dynamic(self, reg: Registration) -> ResourceState:
        old = self.old.get(reg.urn)
        news, secrets = strip_secrets(reg.inputs)
        if old is not None and reg.urn in self.targets:
            # step_generator.go: old state ignored (ignore_changes too), Diff never called.
            checked = self.check(reg.urn, {}, news)
            self.record.diffs[reg.urn] = _TARGETED_DIFF
            return self._replace(reg, old, checked, set(secrets), False, rechecked=True)
        old_inputs = old.inputs if old is not None else {}
        for key in reg.ignore_changes if old is not None else ():
            # Top-level property names only (the engine also accepts nested paths).
            if key in old_inputs:
                news[key] = old_inputs[key]
            else:
                news.pop(key, None)
        checked = self.check(reg.urn, old.inputs if old else {}, news)
        if old is None:
            self.record.steps[reg.urn] = "create"
            return self._create(reg, checked, set(secrets))
        proc = self.process
        diff: DiffOutcome = self.call(
            reg.urn,
            lambda: proc.diff(
                old.id,
                old.outputs,
                checked,
                old.inputs,
                urn=reg.urn,
                ignore_changes=reg.ignore_changes,
            ),
        )
        self.record.diffs[reg.urn] = diff
        keys = sorted(set(old.inputs) | set(checked))
        changed = [k for k in keys if old.inputs.get(k) != checked.get(k)]
        has_changes = bool(changed) if diff.changes == "unknown" else diff.changes == "some"
        replaces = list(diff.replaces) if diff.changes != "unknown" else []
        if has_changes and reg.replace_on_changes:
            roc = reg.replace_on_changes
            replaces += [k for k in changed if ("*" in roc or k in roc) and k not in replaces]
        secrets_now = set(secrets) | set(old.secret_outputs)
        if not has_changes:
            self.record.steps[reg.urn] = "same"
            return self._state(reg, old.id, checked, old.outputs, secrets_now)
        if not replaces:
            self.record.steps[reg.urn] = "update"
            if self.preview:
                outs = checked
            else:
                outs = self.call(
                    reg.urn,
                    lambda: proc.update(old.id, old.outputs, checked, old.inputs, urn=reg.urn),
                    "updating",
                )
            return self._state(reg, old.id, checked, outs, secrets_now)
        return self._replace(reg, old, news, set(secrets), diff.delete_before_replace)

    def _replace(
        self,
        reg: Registration,
        old: ResourceState,
        news: dict[str, Any],
        secrets: set[str],
        provider_dbr: bool,
        *,
        rechecked: bool = False,
    ) -> ResourceState:
        self.record.steps[reg.urn] = "replace"
        if old.protect:
            raise self.fail(f"{reg.urn}: unable to replace a protected resource; set protect=False")
        checked = news if rechecked else self.check(reg.urn, {}, news)
        if provider_dbr or reg.delete_before_replace:
            self.delete(old, step=False)
            return self._create(reg, checked, secrets)
        res = self._create(reg, checked, secrets)
        self._replaced.append(replace(old, delete=True))
        return res

    def _create(
        self, reg: Registration, checked: dict[str, Any], secrets: set[str]
    ) -> ResourceState:
        if self.preview:  # provider_plugin.go: no supportsPreview, so the inputs are echoed
            return self._state(reg, "", checked, dict(checked), secrets)
        proc = self.process
        outcome = self.call(reg.urn, lambda: proc.create(reg.urn, checked), "creating")
        return self._state(reg, outcome.id, checked, outcome.outputs, secrets)

    # -- end of run ----------------------------------------------------------------------------
    def delete_pending(self) -> None:
        """Delete what an earlier run left marked for deletion (the engine does this first)."""
        for res in [r for r in self.old.resources if r.delete]:
            self.delete(res, step=False)

    def finish(self, error: BaseException | None) -> StackState:
        """Run the delete phase if the program succeeded; return the state after this run."""
        try:
            if error is None:
                for res in reversed(self._replaced):
                    self.delete(res, step=False)
                for res in reversed(self.old.resources):
                    if res.urn not in self._done and not res.delete:
                        self.delete(res)
        except DeploymentError as exc:
            error = exc
        finally:
            self.close()
        if error is not None and self.record.error is None:
            self.record.error = str(error)
        kept = [
            r
            for r in self.old.resources
            if id(r) not in self._gone and (r.delete or r.urn not in self._done)
        ]
        pending = [r for r in self._replaced if id(r) not in self._gone]
        resources = [*self._done.values(), *kept, *pending]
        return StackState(self.old.project, self.old.stack, resources, self.pending_after())
