"""What one chaos run does, drawn from its seed: the pools, the faults, the kills, the restarts.

Everything random about a run comes from its seed, so the same seed replays the same plan. What
the seed cannot pin is timing: how many polls a wait takes (so which request a random fault
strikes) and where a kill by time lands depend on the machine's speed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Literal

Step = Literal["up", "refresh", "update", "destroy"]
STEPS: tuple[Step, ...] = ("up", "refresh", "update", "destroy")

Trigger = Literal["order_post", "claim", "job_post", "time"]
TRIGGER_CALLS: dict[Trigger, tuple[str, re.Pattern[str]]] = {
    # Right after the sandbox took a bulk order: the kill that orphans it unless recovered.
    "order_post": ("POST", re.compile(r"^/v2/inexplicit_number_orders/?$")),
    # The claim mark on a recorded order's number order: the last call of a create.
    "claim": ("PATCH", re.compile(r"^/v2/number_orders/[^/]+/?$")),
    # A settings or release job: mid-update, mid-shrink or mid-destroy.
    "job_post": ("POST", re.compile(r"^/v2/phone_numbers/jobs/")),
}
STEP_TRIGGERS: dict[Step, tuple[Trigger, ...]] = {
    "up": ("order_post", "claim", "time"),
    "refresh": ("time",),
    "update": ("order_post", "claim", "job_post", "time"),
    "destroy": ("job_post", "time"),
}
KILL_CHANCE: dict[Step, float] = {"up": 0.4, "refresh": 0.15, "update": 0.4, "destroy": 0.35}
RESTART_CHANCE = 0.08
FAULT_RATES = (0.03, 0.06, 0.1)
TWINS_REFERENCE = "chaos-twins"
SOLO_REFERENCE = "chaos-solo"


@dataclass(frozen=True)
class Pool:
    """One BulkNumberOrder as the program declares it."""

    name: str
    groups: tuple[dict[str, Any], ...]
    connection_id: str
    customer_reference: str

    @property
    def count(self) -> int:
        """Numbers the pool declares, over all groups."""
        return sum(int(g["count_requested"]) for g in self.groups)


def _local(count: int, **extra: Any) -> dict[str, Any]:
    return {"country_iso": "US", "phone_number_type": "local", "count_requested": count, **extra}


def pools(phase: Literal["create", "update"]) -> tuple[Pool, ...]:
    """The program's pools before and after the in-place change."""
    if phase == "create":
        solo = (
            _local(2, national_destination_code="212"),
            {"country_iso": "US", "phone_number_type": "toll_free", "count_requested": 1},
        )
        twin = (_local(2),)
        return (
            Pool("solo", solo, "conn-1", SOLO_REFERENCE),
            Pool("twin-a", twin, "conn-1", TWINS_REFERENCE),
            Pool("twin-b", twin, "conn-1", TWINS_REFERENCE),
        )  # fmt: skip
    grown = (
        _local(3, national_destination_code="212"),
        {"country_iso": "US", "phone_number_type": "toll_free", "count_requested": 1},
    )
    return (
        Pool("solo", grown, "conn-2", SOLO_REFERENCE),
        Pool("twin-a", (_local(2),), "conn-2", TWINS_REFERENCE),
        Pool("twin-b", (_local(1),), "conn-2", TWINS_REFERENCE),
    )  # fmt: skip


def intended_orders(update_done: bool) -> dict[str, int]:
    """Bulk orders the lifecycle should buy, by customer_reference: one per pool, one per
    top-up (the solo pool grows in the update; the twins' shrink buys nothing)."""
    return {SOLO_REFERENCE: 2 if update_done else 1, TWINS_REFERENCE: 2}


def shrinks() -> dict[str, int]:
    """Numbers the update asks to release, by pool: the only releases before destroy."""
    before = {p.name: p.count for p in pools("create")}
    return {p.name: before[p.name] - p.count for p in pools("update") if p.count < before[p.name]}


@dataclass(frozen=True)
class Kill:
    """Kill the provider ``delay`` seconds after ``trigger`` (a call the sandbox answered, or
    the provider's start for ``time``)."""

    trigger: Trigger
    delay: float

    def describe(self) -> str:
        """In words, for the switch's label and the report."""
        if self.trigger == "time":
            return f"{self.delay:.2f}s after the provider started"
        return f"{self.delay:.2f}s after the first {self.trigger.replace('_', ' ')}"


@dataclass(frozen=True)
class StepPlan:
    """The chaos for one step's first attempt (re-runs have none)."""

    step: Step
    fault_seed: int
    kill: Kill | None = None
    restart_at: float | None = None
    """Seconds into the attempt when the sandbox server restarts, if it does."""
    restart_downtime: float = 0.0


@dataclass(frozen=True)
class RunPlan:
    """One run: its seed, fault rate and the plan of each step."""

    seed: int
    fault_rate: float
    steps: tuple[StepPlan, ...] = field(default_factory=tuple)


def draw(seed: int, *, kills: bool = True, restarts: bool = True) -> RunPlan:
    """The plan ``seed`` stands for."""
    rng = random.Random(seed)
    rate = rng.choice(FAULT_RATES)
    steps = []
    for step in STEPS:
        kill = None
        if kills and rng.random() < KILL_CHANCE[step]:
            trigger = rng.choice(STEP_TRIGGERS[step])
            delay = rng.uniform(0.2, 4.0) if trigger == "time" else rng.choice((0.0, 0.05, 0.3))
            kill = Kill(trigger, round(delay, 3))
        restart_at = None
        downtime = 0.0
        if restarts and rng.random() < RESTART_CHANCE:
            restart_at = round(rng.uniform(0.2, 3.0), 3)
            downtime = round(rng.uniform(0.0, 0.5), 3)
        steps.append(StepPlan(step, rng.getrandbits(32), kill, restart_at, downtime))
    return RunPlan(seed, rate, tuple(steps))
