"""Run a whole Pulumi program against the ``MiniEngine``, through ``pulumi.runtime.set_mocks``.

The program runs in a thread of its own: the SDK's settings, config and root stack are context
variables, so a fresh thread starts from a clean slate and nothing leaks into the caller. The mock
monitor reads the raw ``RegisterResourceRequest`` so resource options reach the engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import runpy
import sys
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi.output import UNKNOWN, Output
from pulumi.runtime import config as pulumi_config
from pulumi.runtime import rpc, settings
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.stack import run_pulumi_func

from pulumi_bulknumbers.testing._deployment import Deployment
from pulumi_bulknumbers.testing._marshal import normalise
from pulumi_bulknumbers.testing._registration import DeploymentError, Registration
from pulumi_bulknumbers.testing.engine import MiniEngine
from pulumi_bulknumbers.testing.kill import KillSwitch
from pulumi_bulknumbers.testing.state import Operation, RunRecord, StackState

__all__ = ["EngineMocks", "RunResult", "run_program"]

Program = Callable[[], object] | str | os.PathLike[str]


@dataclass
class RunResult:
    """The outcome of one program run: stack outputs (plain values), the run record, the state."""

    record: RunRecord
    outputs: dict[str, Any]
    state: StackState
    secret_outputs: set[str] = field(default_factory=set)
    error: BaseException | None = None

    def ops(self) -> dict[str, Operation]:
        """Steps keyed by logical name (``{"pool": "create"}``)."""
        return self.record.ops()

    def changed(self) -> dict[str, Operation]:
        """Steps other than ``same``."""
        return self.record.changed()

    @property
    def logs(self) -> list[str]:
        """The provider process's log lines (stderr) during this run."""
        return self.record.logs

    @property
    def killed(self) -> bool:
        """Whether a ``KillSwitch`` killed the provider process during this run."""
        return self.record.killed


class EngineMocks(Mocks):
    """Routes registrations into a ``Deployment``; invokes are not modelled and fail loudly."""

    def __init__(self, deployment: Deployment, *, project: str, stack: str) -> None:
        self.deployment = deployment
        self._prefix = f"urn:pulumi:{stack}::{project}::"

    def register(self, reg: Registration) -> tuple[str, dict[str, Any]]:
        """Hand one registration (options included) to the engine."""
        return self.deployment.register(reg)

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        """Plain ``Mocks`` entry point (no options): used when run with the stock MockMonitor."""
        reg = Registration(
            urn=f"{self._prefix}{args.typ}::{args.name}",
            type=args.typ,
            name=args.name,
            inputs=dict(args.inputs),
            custom=args.custom is not False,
            id=args.resource_id if args.custom is None else None,
            import_id=args.resource_id if args.custom is not None else None,
        )
        return self.register(reg)

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        """Invokes have no provider here."""
        raise DeploymentError(f"invoke {args.token!r} is not modelled by the engine stand-in")


@contextlib.contextmanager
def _thread_loop() -> Iterator[None]:
    # MockMonitor calls _ensure_event_loop() in executor threads and never closes those loops;
    # give each call its own loop and close it, so no "unclosed event loop" warning leaks.
    if asyncio._get_running_loop() is not None:
        yield
        return
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield
    finally:
        asyncio.set_event_loop(None)
        loop.close()


class _EngineMonitor(MockMonitor):
    mocks: EngineMocks

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        with _thread_loop():
            reg = Registration(
                urn=urn,
                type=request.type,
                name=request.name,
                inputs=rpc.deserialize_properties(request.object),
                custom=request.custom,
                import_id=request.importId or None,
                protect=request.protect,
                retain_on_delete=request.retainOnDelete,
                delete_before_replace=request.deleteBeforeReplace,
                replace_on_changes=tuple(request.replaceOnChanges),
                ignore_changes=tuple(request.ignoreChanges),
                additional_secret_outputs=tuple(request.additionalSecretOutputs),
            )
            id_, state = self.mocks.register(reg)
            obj = _loop_run(rpc.serialize_properties(state, {}))
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=obj)

    def ReadResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        with _thread_loop():
            props = rpc.deserialize_properties(request.properties)
            reg = Registration(
                urn,
                request.type,
                request.name,
                props,
                id=request.id,
                additional_secret_outputs=tuple(request.additionalSecretOutputs),
            )
            id_, state = self.mocks.register(reg)
            obj = _loop_run(rpc.serialize_properties(state, {}))
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, state)
        return resource_pb2.ReadResourceResponse(urn=urn, properties=obj)

    def Invoke(self, request: Any) -> Any:
        with _thread_loop():
            return super().Invoke(request)  # type: ignore[no-untyped-call]


def _loop_run(awaitable: Any) -> Any:
    """Run ``awaitable`` on this thread's event loop (set by ``_thread_loop``)."""
    return asyncio.get_event_loop().run_until_complete(awaitable)


async def _resolve_exports() -> tuple[dict[str, Any], set[str]]:
    root = settings.get_root_resource()
    outputs: dict[str, Any] = {}
    secrets: set[str] = set()
    for name, value in dict(getattr(root, "outputs", {}) or {}).items():
        out = Output.from_input(value)
        resolved = await out.future(with_unknowns=True)
        known = await out.is_known()
        outputs[name] = normalise(resolved) if known or resolved is not None else UNKNOWN
        if await out.is_secret():
            secrets.add(name)
    return outputs, secrets


@dataclass
class _Outcome:
    outputs: dict[str, Any] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)
    error: BaseException | None = None


def _execute(
    fn: Callable[[], object],
    mocks: EngineMocks,
    engine: MiniEngine,
    preview: bool,
    outcome: _Outcome,
) -> None:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def on_loop_error(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        # A failed registration rejects every Output of that resource; the error is reported
        # once, as the run's error, not once per unawaited future.
        if not isinstance(context.get("exception"), DeploymentError):
            loop.default_exception_handler(context)

    loop.set_exception_handler(on_loop_error)
    try:
        settings.configure(
            settings.Settings(
                project=engine.project,
                stack=engine.stack,
                organization="organization",
                dry_run=preview,
            )
        )
        pulumi_config.set_all_config(dict(engine.config), sorted(engine.secret_keys))
        set_mocks(mocks, engine.project, engine.stack, preview, monitor=_EngineMonitor(mocks))

        def body() -> None:
            fn()

        loop.run_until_complete(run_pulumi_func(body))
        outcome.outputs, outcome.secrets = loop.run_until_complete(_resolve_exports())
    except BaseException as exc:  # handed back to the caller's thread
        outcome.error = exc
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        asyncio.set_event_loop(None)
        loop.close()


def _forget_modules_under(directory: Path) -> None:
    # Each CLI run is a fresh interpreter: drop the program's own modules (e.g. a sibling
    # provider.py) so another program with a same-named module does not get this one.
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None)
        if origin and Path(origin).resolve().is_relative_to(directory):
            del sys.modules[name]


def _as_callable(program: Program) -> tuple[Callable[[], object], Path | None]:
    if callable(program):
        return program, None
    path = Path(program).resolve()
    if path.is_dir():
        path = path / "__main__.py"

    def run_file() -> None:
        # Like the Python language host: the program's directory is cwd and first on sys.path.
        old_cwd, old_path = os.getcwd(), list(sys.path)
        os.chdir(path.parent)
        sys.path.insert(0, str(path.parent))
        try:
            runpy.run_path(str(path), run_name="__main__")
        finally:
            os.chdir(old_cwd)
            sys.path[:] = old_path
            _forget_modules_under(path.parent)

    return run_file, path.parent


def run_program(
    program: Program,
    *,
    engine: MiniEngine,
    preview: bool = False,
    config: Mapping[str, str] | None = None,
    secret_keys: Sequence[str] | None = None,
    raise_on_error: bool = True,
    replace: Collection[str] = (),
    kill: KillSwitch | None = None,
) -> RunResult:
    """Run ``program`` (a callable, a ``__main__.py`` or its directory) as ``pulumi up``/preview.

    ``config`` (namespaced keys) replaces the engine's stack config for this and later runs,
    like editing ``Pulumi.<stack>.yaml``. A failure raises ``DeploymentError`` (its ``record``
    holds the run) unless ``raise_on_error=False``, which returns it as ``RunResult.error``.

    ``replace`` forces the replacement of resources in the state, by logical name or URN, like
    ``pulumi up --replace URN``: Check without old inputs, no Diff, then create-before-delete
    (or delete-before-replace when the resource asks for it). ``kill`` kills the provider
    process mid-run (see ``KillSwitch``): the run then fails with ``ProviderKilledError`` and
    the state keeps what completed before the kill; the next run starts a fresh process.
    """
    if config is not None:
        engine.config = dict(config)
    if secret_keys is not None:
        engine.secret_keys = set(secret_keys)
    fn, program_dir = _as_callable(program)
    deployment = engine.begin(preview=preview, cwd=program_dir, replace=replace, kill=kill)
    mocks = EngineMocks(deployment, project=engine.project, stack=engine.stack)
    outcome = _Outcome()
    worker = threading.Thread(
        target=_execute, args=(fn, mocks, engine, preview, outcome), name="pulumi-program"
    )
    worker.start()
    worker.join()
    record = engine.commit(deployment, outcome.error)
    error = outcome.error
    if deployment.failure is not None and (error is None or record.killed):
        # The step's own error (a kill's included), not whichever registration failed after it.
        error = deployment.failure
    if error is None and record.error is not None:
        error = DeploymentError(record.error, record)
    result = RunResult(record, outcome.outputs, engine.state, outcome.secrets, error)
    if error is not None and raise_on_error:
        if isinstance(error, DeploymentError):
            raise error
        raise DeploymentError(f"program failed: {error!r}", record) from error
    return result
