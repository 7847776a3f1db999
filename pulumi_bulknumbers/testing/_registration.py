"""What the engine receives per resource, what the program sees back, and the run's errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pulumi.runtime import rpc

if TYPE_CHECKING:
    from pulumi_bulknumbers.testing.state import ResourceState, RunRecord

__all__ = ["DeploymentError", "ProviderKilledError", "Registration", "program_view"]


class DeploymentError(Exception):
    """A step failed (provider error, check failure, protected resource). ``record`` is the run."""

    def __init__(self, message: str, record: RunRecord | None = None) -> None:
        super().__init__(message)
        self.record = record


class ProviderKilledError(DeploymentError):
    """The provider process was killed by a ``KillSwitch`` while the run still needed it.

    ``urn`` and ``method`` name the step that was cut short (``method`` is ``""`` when the kill
    came between calls); ``reason`` says what triggered the kill.
    """

    def __init__(
        self, message: str, record: RunRecord | None, *, urn: str, method: str, reason: str
    ) -> None:
        super().__init__(message, record)
        self.urn = urn
        self.method = method
        self.reason = reason


@dataclass(frozen=True)
class Registration:
    """A resource registration as the engine receives it, options included."""

    urn: str
    type: str
    name: str
    inputs: dict[str, Any]
    custom: bool = True
    id: str | None = None
    import_id: str | None = None
    protect: bool = False
    retain_on_delete: bool = False
    delete_before_replace: bool = False
    replace_on_changes: tuple[str, ...] = ()
    ignore_changes: tuple[str, ...] = ()
    additional_secret_outputs: tuple[str, ...] = ()


def program_view(res: ResourceState) -> dict[str, Any]:
    """The outputs as the program sees them: secret properties wrapped again."""
    return {
        k: rpc.wrap_rpc_secret(v) if k in res.secret_outputs else v for k, v in res.outputs.items()
    }
