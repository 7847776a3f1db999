"""An engine stand-in for testing Pulumi dynamic providers without the Pulumi CLI.

``ProviderProcess`` runs the real provider plugin (``python -u -m pulumi.dynamic``) and speaks
the engine's gRPC protocol to it. ``MiniEngine`` holds a stack's state and applies the engine's
step logic; ``run_program`` runs a whole Pulumi program against it through
``pulumi.runtime.set_mocks``::

    from pulumi_bulknumbers.testing import MiniEngine, run_program

    engine = MiniEngine(project="demo", config={"telnyx:baseUrl": sandbox_url})
    result = run_program("examples/bulk_order", engine=engine)          # pulumi up
    assert result.ops() == {"pool": "create"}
    preview = run_program("examples/bulk_order", engine=engine, preview=True)
    assert preview.changed() == {}                                      # no change
    engine.refresh()                                                    # pulumi refresh
    engine.destroy()                                                    # pulumi destroy
    assert engine.state.resources == []

``run_program(..., replace=["pool"])`` is ``pulumi up --replace``; a ``KillSwitch`` passed as
``kill=`` to ``run_program``, ``refresh`` or ``destroy`` kills the provider process mid-run, as
a hard Ctrl-C or a killed CI runner would (``ProviderKilledError``, ``RunResult.killed``).
"""

from __future__ import annotations

from pulumi_bulknumbers.testing._fake_engine import EngineLog
from pulumi_bulknumbers.testing._marshal import secret
from pulumi_bulknumbers.testing._registration import (
    DeploymentError,
    ProviderKilledError,
    Registration,
)
from pulumi_bulknumbers.testing.engine import MiniEngine
from pulumi_bulknumbers.testing.kill import KillSwitch
from pulumi_bulknumbers.testing.program import EngineMocks, RunResult, run_program
from pulumi_bulknumbers.testing.provider_process import ProviderProcess
from pulumi_bulknumbers.testing.results import (
    CheckFailureInfo,
    CheckOutcome,
    CreateOutcome,
    DiffOutcome,
    ProviderError,
    ProviderStartError,
    ReadOutcome,
    RpcCall,
)
from pulumi_bulknumbers.testing.state import (
    PendingOperation,
    ResourceState,
    RunRecord,
    StackState,
)

__all__ = [
    "CheckFailureInfo",
    "CheckOutcome",
    "CreateOutcome",
    "DeploymentError",
    "DiffOutcome",
    "EngineLog",
    "EngineMocks",
    "KillSwitch",
    "MiniEngine",
    "PendingOperation",
    "ProviderError",
    "ProviderKilledError",
    "ProviderProcess",
    "ProviderStartError",
    "ReadOutcome",
    "Registration",
    "ResourceState",
    "RpcCall",
    "RunRecord",
    "RunResult",
    "StackState",
    "run_program",
    "secret",
]
