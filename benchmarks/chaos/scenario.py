"""One chaos run: a sandbox on loopback, the engine stand-in, and the lifecycle under chaos.

Each step's first attempt runs with the run's random faults (every kind), and perhaps a kill of
the provider process and a restart of the sandbox server; a step that fails is re-run without
any of them, at most ``MAX_CLEAN_RERUNS`` times. A watchdog kills a provider stuck for
``STEP_LIMIT`` seconds, so a hang is reported instead of stalling the campaign.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from benchmarks.chaos.accounting import Audit, Ledger, Outcome, audit, classify, pool_holdings
from benchmarks.chaos.plan import (
    STEPS,
    TRIGGER_CALLS,
    Kill,
    RunPlan,
    Step,
    StepPlan,
    draw,
    intended_orders,
    pools,
    shrinks,
)
from pulumi_bulknumbers import BulkNumberOrder
from pulumi_bulknumbers.sandbox import Sandbox, SandboxServer, serve
from pulumi_bulknumbers.sandbox.faults import KINDS, FaultInjector
from pulumi_bulknumbers.testing import KillSwitch, MiniEngine, run_program

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "KEYchaos0123456789abcdef"
MAX_CLEAN_RERUNS = 3
STEP_LIMIT = 180.0
WAIT_SECONDS = 60
PROCESSING_SECONDS = 0.3
JOB_SECONDS = 0.2

AttemptOutcome = Outcome | Literal["hung"]
_SERVER_TRACEBACK = "Exception occurred during processing of request"


@dataclass(frozen=True)
class Attempt:
    """One try at a step: chaos (the first) or clean, and what the user saw."""

    step: Step
    clean: bool
    outcome: AttemptOutcome
    message: str
    seconds: float
    kill: str | None = None
    """The planned kill, when this attempt had one (it may not have fired)."""
    restarted: bool = False


@dataclass
class RunReport:
    """Everything the campaign keeps of one run."""

    seed: int
    fault_rate: float
    attempts: list[Attempt] = field(default_factory=list)
    faults: dict[str, int] = field(default_factory=dict)
    kills: int = 0
    restarts: int = 0
    audit: Audit | None = None
    stuck: list[str] = field(default_factory=list)
    """Steps that never succeeded, even re-run without faults."""
    seconds: float = 0.0
    harness_error: str | None = None
    server_tracebacks: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> Literal["crash", "clear", "clean"]:
        """The worst failure the user saw: a crash, else clear errors only, else none."""
        seen = {a.outcome for a in self.attempts}
        if "crash" in seen or "hung" in seen or self.harness_error:
            return "crash"
        return "clear" if "clear" in seen else "clean"

    def findings(self) -> list[str]:
        """What went wrong, in words (empty for a sound run)."""
        out = [f"harness error: {self.harness_error}"] if self.harness_error else []
        out += [f"{step} never succeeded" for step in self.stuck]
        if self.audit is not None:
            a = self.audit
            for label, value in (
                ("duplicate orders", a.duplicates),
                ("orphaned orders", a.orphans),
                ("numbers lost", a.numbers_lost),
                ("numbers released unasked", a.released_unasked),
            ):
                if value:
                    out.append(f"{label}: {value}")
        out += [f"{a.step}: {a.outcome}: {a.message}" for a in self.attempts
                if a.outcome in ("crash", "hung")]  # fmt: skip
        return out


def program(phase: Literal["create", "update"]) -> Callable[[], None]:
    """The Pulumi program of a phase: three pools declared at once."""

    def run() -> None:
        for pool in pools(phase):
            BulkNumberOrder(
                pool.name,
                ordering_groups=[dict(g) for g in pool.groups],
                connection_id=pool.connection_id,
                customer_reference=pool.customer_reference,
                wait_timeout_seconds=WAIT_SECONDS,
            )

    return run


class _Watch:
    """A kill predicate: a planned trigger call since ``start``, or the watchdog's limit."""

    def __init__(self, sandbox: Sandbox, kill: Kill | None) -> None:
        self.calls = sandbox.calls
        self.index = len(self.calls)
        self.target = TRIGGER_CALLS.get(kill.trigger) if kill is not None else None
        self.deadline = time.monotonic() + STEP_LIMIT
        self.hung = False

    def __call__(self) -> bool:
        if self.target is not None:
            method, pattern = self.target
            end = len(self.calls)
            while self.index < end:
                call = self.calls[self.index]
                self.index += 1
                if call.method == method and pattern.search(call.path):
                    return True
        self.hung = time.monotonic() > self.deadline
        return self.hung


class Scenario:
    """Runs one plan in ``workdir``; ``run()`` returns its report."""

    def __init__(self, plan: RunPlan, workdir: Path, *, verbose: bool = False) -> None:
        self.plan = plan
        self.verbose = verbose
        self.sandbox = Sandbox(
            workdir / "sandbox.sqlite3", seed=plan.seed, api_key=API_KEY,
            processing_seconds=PROCESSING_SECONDS, job_seconds=JOB_SECONDS,
        )  # fmt: skip
        self.server: SandboxServer = serve(self.sandbox)
        self.engine = MiniEngine(
            project="chaos",
            config={"telnyx:baseUrl": self.server.base_url, "telnyx:apiKey": API_KEY},
            secret_keys=["telnyx:apiKey"],
            pythonpath=[str(ROOT)],
        )
        self.ledger = Ledger()
        self.report = RunReport(plan.seed, plan.fault_rate)

    def run(self) -> RunReport:
        """The whole lifecycle, then the audit."""
        start = time.monotonic()
        try:
            for step_plan in self.plan.steps:
                self._step(step_plan)
            report = self.report
            report.faults = self.sandbox.fault_counts()
            update_done = "update" not in report.stuck
            report.audit = audit(
                self.sandbox.dump(), self.ledger, intended_orders(update_done),
                set(self.sandbox.owned_numbers()),
            )  # fmt: skip
        except Exception as exc:  # a harness bug must not end the campaign
            self.report.harness_error = f"{type(exc).__name__}: {exc}"
        finally:
            self.server.close()
            self.sandbox.close()
        self.report.seconds = time.monotonic() - start
        return self.report

    def _step(self, plan: StepPlan) -> None:
        owners = {
            number: name
            for name, (_, numbers) in pool_holdings(self.engine.state).items()
            for number in numbers
        }
        allowance = dict(shrinks()) if plan.step == "update" else {}
        for rerun in range(MAX_CLEAN_RERUNS + 1):
            before = set(self.sandbox.owned_numbers())
            attempt = self._attempt(plan, clean=rerun > 0)
            self.report.attempts.append(attempt)
            released = before - set(self.sandbox.owned_numbers())
            self.ledger.released(
                released, asked_all=plan.step == "destroy", allowance=allowance, owners=owners
            )
            if attempt.outcome == "ok":
                return
        self.report.stuck.append(plan.step)

    def _attempt(self, plan: StepPlan, *, clean: bool) -> Attempt:
        kill = None if clean else plan.kill
        rate = 0.0 if clean else self.plan.fault_rate
        self.sandbox.faults = FaultInjector(rate, plan.fault_seed, KINDS)
        watch = _Watch(self.sandbox, kill)
        if kill is not None and kill.trigger == "time":
            switch = KillSwitch.at(kill.delay)
        else:
            label = kill.describe() if kill else f"watchdog: {STEP_LIMIT:.0f}s without an end"
            switch = KillSwitch(
                when=watch, after=kill.delay if kill else 0.0, poll=0.01, label=label
            )
        restart = None if clean or plan.restart_at is None else self._restart_later(plan)
        started = time.monotonic()
        error = self._execute(plan.step, switch)
        seconds = time.monotonic() - started
        restarted = False
        if restart is not None:
            restart[0].set()
            restart[1].join()
            restarted = restart[2].is_set()
            self.report.restarts += restarted
        self.ledger.record(self.engine.state)
        outcome: AttemptOutcome
        outcome, message = classify(error)
        if switch.fired.is_set() and watch.hung:
            outcome, message = "hung", f"no end in {STEP_LIMIT:.0f}s: {message}"
        elif switch.fired.is_set():
            self.report.kills += 1
        if self.verbose:
            self._log(plan.step, clean, outcome, message, kill)
        planned = kill.describe() if kill is not None else None
        return Attempt(plan.step, clean, outcome, message, seconds, planned, restarted)

    def _execute(self, step: Step, switch: KillSwitch) -> BaseException | None:
        try:
            if step in ("up", "update"):
                phase: Literal["create", "update"] = "create" if step == "up" else "update"
                result = run_program(
                    program(phase), engine=self.engine, raise_on_error=False, kill=switch
                )
                return result.error
            if step == "refresh":
                self.engine.refresh(kill=switch)
            else:
                self.engine.destroy(kill=switch)
        except Exception as exc:
            return exc
        return None

    def _restart_later(
        self, plan: StepPlan
    ) -> tuple[threading.Event, threading.Thread, threading.Event]:
        stop, done = threading.Event(), threading.Event()

        def restart() -> None:
            if plan.restart_at is not None and not stop.wait(plan.restart_at):
                url = self.server.restart(plan.restart_downtime)
                # Only a taken port moves it; later attempts must follow.
                self.engine.config["telnyx:baseUrl"] = url
                done.set()

        thread = threading.Thread(target=restart, name="chaos-restart", daemon=True)
        thread.start()
        return stop, thread, done

    def _log(self, step: Step, clean: bool, outcome: str, message: str, kill: Kill | None) -> None:
        label = "clean re-run" if clean else "chaos"
        killed = f" (kill planned: {kill.describe()})" if kill else ""
        self.report.log.append(f"{step} [{label}]{killed}: {outcome} {message}".rstrip())
        if self.engine.runs:
            record = self.engine.last_run
            self.report.log += [f"    {line}" for line in record.warnings + record.logs]


def run_seed(seed: int, *, kills: bool = True, verbose: bool = False) -> RunReport:
    """Draw and run the plan of ``seed`` in a fresh temporary directory.

    Unless ``verbose``, stderr is kept from the terminal: the loopback server prints a
    traceback for each answer a killed provider no longer reads (a broken pipe); they are
    counted in ``RunReport.server_tracebacks`` instead.
    """
    plan = draw(seed, kills=kills, restarts=kills)
    captured = io.StringIO()
    with contextlib.ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix=f"chaos-{seed}-"))
        if not verbose:
            stack.enter_context(contextlib.redirect_stderr(captured))
        report = Scenario(plan, Path(workdir), verbose=verbose).run()
    report.server_tracebacks = captured.getvalue().count(_SERVER_TRACEBACK)
    return report


__all__ = ["STEPS", "Attempt", "RunReport", "Scenario", "program", "run_seed"]
