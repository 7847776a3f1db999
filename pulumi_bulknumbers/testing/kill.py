"""Kill the provider process mid-run, as a hard Ctrl-C or a CI runner killed outright would.

A ``KillSwitch`` is handed to one run (``run_program(..., kill=)``, ``engine.refresh(kill=)``,
``engine.destroy(kill=)``). When the run starts its provider process, a watcher thread polls
``when`` and, ``after`` seconds after it first holds, SIGKILLs the process. The call in flight
fails; the run stops with ``ProviderKilledError``, keeping only the steps that completed.

    posted = KillSwitch.on(lambda: any(c.method == "POST" for c in sandbox.calls))
    result = run_program(program, engine=engine, kill=posted, raise_on_error=False)
    assert result.killed

Kills by time (``after`` alone) race with the provider's work, so they are not reproducible to
the call; a predicate on what a fake service has seen pins the moment far more closely (the
watcher polls every ``poll`` seconds, so the provider may get a little further).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pulumi_bulknumbers.testing.provider_process import ProviderProcess

__all__ = ["KillSwitch"]


class KillSwitch:
    """Kills one run's provider process ``after`` seconds after ``when()`` first holds.

    Without ``when``, the clock starts once the provider is up and configured. ``when`` runs on
    the watcher thread every ``poll`` seconds, so keep it cheap; if it raises, the exception is
    reported as an unhandled thread exception and nothing is killed. A switch is single-use.
    """

    def __init__(
        self,
        *,
        after: float = 0.0,
        when: Callable[[], bool] | None = None,
        poll: float = 0.005,
        label: str = "",
    ) -> None:
        if after < 0 or poll <= 0:
            raise ValueError("after must be >= 0 and poll > 0")
        self.after = after
        self.when = when
        self.poll = poll
        self.label = label
        self.fired = threading.Event()
        """Set just before the SIGKILL is sent."""
        self.fired_at: float | None = None
        """``time.monotonic()`` when the kill was sent."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def at(cls, seconds: float) -> KillSwitch:
        """Kill ``seconds`` after the provider is up."""
        return cls(after=seconds, label=f"{seconds:.3f}s after the provider started")

    @classmethod
    def on(cls, when: Callable[[], bool], *, after: float = 0.0, label: str = "") -> KillSwitch:
        """Kill ``after`` seconds after ``when()`` first returns true."""
        return cls(after=after, when=when, label=label or "when its condition held")

    def describe(self) -> str:
        """What triggers this switch, in words."""
        if self.label:
            return self.label
        if self.when is None:
            return f"{self.after:.3f}s after the provider started"
        return f"{self.after:.3f}s after its condition held"

    @property
    def armed(self) -> bool:
        """Whether a watcher has been started."""
        return self._thread is not None

    def arm(self, proc: ProviderProcess) -> None:
        """Start watching; the engine calls this once it has started the run's provider."""
        if self._thread is not None:
            raise RuntimeError("a KillSwitch kills one run's provider; make a new one per run")
        self._thread = threading.Thread(
            target=self._watch, args=(proc,), name="provider-kill-switch", daemon=True
        )
        self._thread.start()

    def disarm(self) -> None:
        """Stop watching (the run is over); the switch stays fired if it fired."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _watch(self, proc: ProviderProcess) -> None:
        if self.when is not None:
            while not self.when():
                if self._stop.wait(self.poll):
                    return
        if self.after and self._stop.wait(self.after):
            return
        if self._stop.is_set():
            return
        # Marked first, so a call failing because of the kill is always seen as killed.
        self.fired_at = time.monotonic()
        self.fired.set()
        proc.kill()
