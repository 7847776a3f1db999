"""The stack state the stand-in keeps between runs, and what each run records.

State is a list of resources in registration order, like a Pulumi checkpoint. Secrets are NOT
encrypted: ``to_json`` writes them in plaintext (their keys are listed in ``secret_outputs``), so a
test that searches the saved state for a credential is stricter than the real, encrypted one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pulumi_bulknumbers.testing.results import DiffOutcome

__all__ = ["PendingOperation", "ResourceState", "RunRecord", "StackState"]

DYNAMIC_PREFIX = "pulumi-python:dynamic"

Operation = Literal["create", "update", "replace", "delete", "same", "read", "import", "discard"]
PendingKind = Literal["creating", "updating", "deleting"]


@dataclass
class ResourceState:
    """One resource as the engine stores it: ids, inputs, outputs and its options."""

    urn: str
    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    secret_outputs: list[str] = field(default_factory=list)
    """Property names that are secret (in inputs and outputs alike)."""
    custom: bool = True
    external: bool = False
    protect: bool = False
    retain_on_delete: bool = False
    delete: bool = False
    """Marked for deletion: a create-before-delete replacement whose delete has not run yet."""

    @property
    def dynamic(self) -> bool:
        """True for ``pulumi-python:dynamic*`` resources, the only ones with a real provider."""
        return self.type.startswith(DYNAMIC_PREFIX)

    @property
    def name(self) -> str:
        """The resource's logical name (the URN's last part)."""
        return self.urn.rsplit("::", 1)[-1]


@dataclass(frozen=True)
class PendingOperation:
    """A step cut short by a kill: the checkpoint's ``pending_operations`` entry.

    As in Pulumi's snapshot manager, pending creates are carried from run to run (only the user
    can say whether the resource exists: ``refresh(clear_pending_creates=True)`` forgets them);
    pending updates and deletes are dropped by the next run.
    """

    urn: str
    type: PendingKind
    inputs: dict[str, Any] = field(default_factory=dict)


@dataclass
class StackState:
    """Every resource of one stack, in registration order, and the interrupted operations."""

    project: str
    stack: str
    resources: list[ResourceState] = field(default_factory=list)
    pending_operations: list[PendingOperation] = field(default_factory=list)

    def get(self, urn: str) -> ResourceState | None:
        """The live (not pending-delete) resource with ``urn``, if any."""
        return next((r for r in self.resources if r.urn == urn and not r.delete), None)

    def by_name(self, name: str) -> ResourceState:
        """The live resource whose logical name is ``name``; raises ``KeyError`` otherwise."""
        for res in self.resources:
            if res.name == name and not res.delete:
                return res
        raise KeyError(name)

    @property
    def urns(self) -> list[str]:
        """The URNs of the live resources, in order."""
        return [r.urn for r in self.resources if not r.delete]

    def to_json(self) -> str:
        """Serialise the whole state (plaintext secrets; see the module docstring)."""
        payload = {
            "version": 1,
            "project": self.project,
            "stack": self.stack,
            "resources": [asdict(r) for r in self.resources],
            "pending_operations": [asdict(op) for op in self.pending_operations],
        }
        return json.dumps(payload, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> StackState:
        """Load a state written by ``to_json``."""
        payload = json.loads(text)
        if payload.get("version") != 1:
            raise ValueError(f"unsupported state version {payload.get('version')!r}")
        resources = [ResourceState(**r) for r in payload["resources"]]
        pending = [PendingOperation(**op) for op in payload.get("pending_operations", [])]
        return cls(payload["project"], payload["stack"], resources, pending)

    def carried_pending(self) -> list[PendingOperation]:
        """The pending operations the next run keeps: creates only."""
        return [op for op in self.pending_operations if op.type == "creating"]


@dataclass
class RunRecord:
    """What one deployment did: steps per URN, the provider's diffs, its log lines and calls.

    ``killed`` says a ``KillSwitch`` killed the provider during the run; ``warnings`` are the
    engine's own (e.g. about operations a killed run left pending).
    """

    kind: Literal["up", "preview", "refresh", "destroy"]
    steps: dict[str, Operation] = field(default_factory=dict)
    diffs: dict[str, DiffOutcome] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    error: str | None = None
    killed: bool = False
    warnings: list[str] = field(default_factory=list)

    def ops(self) -> dict[str, Operation]:
        """Steps keyed by logical name instead of URN (handy in assertions)."""
        return {urn.rsplit("::", 1)[-1]: op for urn, op in self.steps.items()}

    def changed(self) -> dict[str, Operation]:
        """Like ``ops()`` without the ``same`` steps."""
        return {name: op for name, op in self.ops().items() if op != "same"}
