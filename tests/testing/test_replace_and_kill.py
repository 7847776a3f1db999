"""Forced replacement (``pulumi up --replace``) and killing the provider process mid-run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from pulumi_bulknumbers.testing import (
    DeploymentError,
    DiffOutcome,
    KillSwitch,
    MiniEngine,
    PendingOperation,
    ProviderKilledError,
    ProviderProcess,
    StackState,
    run_program,
)
from tests.testing.test_engine import OPENING, pool
from tests.testing.toy_provider import Toy, ToyStore


def processes(engine: MiniEngine) -> list[ProviderProcess]:
    """Every provider process the engine starts from now on."""
    started: list[ProviderProcess] = []
    engine.on_process_start = started.append
    return started


def chain(*names: str) -> Callable[[], None]:
    """Toys registered one after the other: each waits for the previous one's serial."""

    def program() -> None:
        previous: Any = None
        for name in names:
            label = previous.serial.apply(lambda _, n=name: n) if previous else name
            previous = Toy(name, name=label)

    return program


class TestForcedReplace:
    def test_checks_without_olds_skips_diff_and_creates_before_deleting(
        self, engine: MiniEngine, store: ToyStore
    ) -> None:
        """replace=[name]: Check with olds={}, no Diff (id is blamed), Create, then Delete."""
        program = pool({"a": {"name": "a", "size": 2}})
        run_program(program, engine=engine)
        started = processes(engine)
        result = run_program(program, engine=engine, replace=["a"])
        assert result.ops() == {"a": "replace"}
        assert result.record.calls == [*OPENING, "Check", "Create", "Delete"]
        check = next(c.request for c in started[0].calls if c.method == "Check")
        assert dict(check.olds) == {}
        urn = engine.state.by_name("a").urn
        assert result.record.diffs[urn] == DiffOutcome("some", ["id"], False)
        assert list(store.items()) == ["toy-2"]
        assert engine.state.by_name("a").id == "toy-2"

    def test_only_the_target_is_replaced_and_ignore_changes_does_not_apply(
        self, engine: MiniEngine, store: ToyStore
    ) -> None:
        """The target takes the program's values (goal properties); the others are diffed."""
        run_program(
            pool({"a": {"name": "a", "size": 1}, "b": {"name": "b", "size": 1}},
                 ignore_changes=["size"]),
            engine=engine,
        )  # fmt: skip
        urn_b = engine.state.by_name("b").urn
        result = run_program(
            pool({"a": {"name": "a", "size": 9}, "b": {"name": "b", "size": 9}},
                 ignore_changes=["size"]),
            engine=engine,
            replace=[engine.state.by_name("a").urn],
        )  # fmt: skip
        assert result.ops() == {"a": "replace", "b": "same"}
        assert result.record.diffs[urn_b].changes == "none"
        assert sorted((r["name"], r["size"]) for r in store.items().values()) == [
            ("a", 9),
            ("b", 1),
        ]

    def test_delete_before_replace_deletes_first(self, engine: MiniEngine, store: ToyStore) -> None:
        """With delete_before_replace the old one goes before the new one is created."""
        program = pool({"a": {"name": "a"}}, delete_before_replace=True)
        run_program(program, engine=engine)
        result = run_program(program, engine=engine, replace=["a"])
        assert result.record.calls[len(OPENING) :] == ["Check", "Delete", "Create"]
        assert list(store.items()) == ["toy-2"]

    def test_preview_shows_the_replace_and_changes_nothing(
        self, engine: MiniEngine, store: ToyStore
    ) -> None:
        """A preview with replace reports it after one Check, and touches nothing."""
        program = pool({"a": {"name": "a"}})
        run_program(program, engine=engine)
        before = engine.to_json()
        result = run_program(program, engine=engine, preview=True, replace=["a"])
        assert result.ops() == {"a": "replace"}
        assert result.record.calls == [*OPENING, "Check"]
        assert (engine.to_json(), list(store.items())) == (before, ["toy-1"])

    def test_an_unknown_target_fails_before_anything_runs(
        self, engine: MiniEngine, store: ToyStore
    ) -> None:
        """A name that is not in the state is refused up front, as the engine does."""
        run_program(pool({"a": {"name": "a"}}), engine=engine)
        started = processes(engine)
        with pytest.raises(DeploymentError, match="'nope' could not be found in the stack"):
            run_program(pool({"a": {"name": "a"}}), engine=engine, replace=["nope"])
        assert (started, list(store.items())) == ([], ["toy-1"])

    def test_a_protected_target_is_not_replaced(self, engine: MiniEngine, store: ToyStore) -> None:
        """Replacing a protected resource fails and creates nothing."""
        program = pool({"a": {"name": "a"}}, protect=True)
        run_program(program, engine=engine)
        with pytest.raises(DeploymentError, match="unable to replace a protected resource"):
            run_program(program, engine=engine, replace=["a"])
        assert list(store.items()) == ["toy-1"]


class TestKill:
    def test_a_kill_during_create_keeps_only_what_completed(
        self, engine: MiniEngine, store: ToyStore
    ) -> None:
        """The create in flight is not recorded (its record is orphaned) but left pending."""
        engine.config["toy:stallOn"] = "b"
        saved_b = KillSwitch.on(
            lambda: any(r["name"] == "b" for r in store.items().values()), label="after b saved"
        )
        result = run_program(chain("a", "b"), engine=engine, kill=saved_b, raise_on_error=False)
        assert result.killed
        error = result.error
        assert isinstance(error, ProviderKilledError)
        assert (error.method, error.urn.rsplit("::", 1)[-1]) == ("Create", "b")
        assert "provider process was killed (after b saved) during Create" in str(error)
        assert [r.name for r in engine.state.resources] == ["a"]
        assert sorted(r["name"] for r in store.items().values()) == ["a", "b"]
        assert engine.state.pending_operations == [PendingOperation(error.urn, "creating")]

    def test_the_next_run_starts_a_fresh_process_and_carries_pending_creates(
        self, engine: MiniEngine, store: ToyStore
    ) -> None:
        """After a kill, a run without one succeeds; pending creates stay until a refresh."""
        engine.config["toy:stallOn"] = "b"
        started = processes(engine)
        saved_b = KillSwitch.on(lambda: len(store.items()) == 2)
        with pytest.raises(ProviderKilledError):
            run_program(chain("a", "b"), engine=engine, kill=saved_b)
        del engine.config["toy:stallOn"]
        result = run_program(chain("a", "b"), engine=engine)
        assert (result.killed, result.ops()) == (False, {"a": "same", "b": "create"})
        assert started[0].returncode == -9
        assert started[1].pid != started[0].pid
        assert "1 pending operations" in result.record.warnings[0]
        assert [op.type for op in engine.state.pending_operations] == ["creating"]
        engine.refresh(clear_pending_creates=True)
        assert engine.state.pending_operations == []
        assert len(store.items()) == 3

    def test_a_kill_by_time_stops_the_run_whatever_call_it_hits(self, engine: MiniEngine) -> None:
        """A kill right after start cuts Check or Create short; nothing is recorded."""
        engine.config["toy:stallOn"] = "a"
        with pytest.raises(ProviderKilledError, match=r"0\.000s after the provider started"):
            run_program(pool({"a": {"name": "a"}}), engine=engine, kill=KillSwitch.at(0))
        assert engine.last_run.killed
        assert engine.state.resources == []

    def test_a_kill_during_destroy_keeps_what_was_not_deleted(
        self, engine: MiniEngine, store: ToyStore
    ) -> None:
        """Destroy stops at the kill; the next destroy finishes and drops pending deletes."""
        run_program(chain("a", "b"), engine=engine)
        engine.config["toy:stallOn"] = "a"
        started = processes(engine)
        # Once the second Delete is sent, the first (b, registered last) has been answered.
        deleting_a = KillSwitch.on(lambda: started[0].call_count("Delete") == 2)
        with pytest.raises(ProviderKilledError):
            engine.destroy(kill=deleting_a)
        assert [r.name for r in engine.state.resources] == ["a"]
        assert [r["name"] for r in store.items().values()] == ["a"]
        del engine.config["toy:stallOn"]
        engine.destroy()
        assert (engine.state.resources, engine.state.pending_operations) == ([], [])
        assert store.items() == {}

    def test_a_kill_during_refresh_leaves_the_state_unchanged(self, engine: MiniEngine) -> None:
        """A killed refresh raises and keeps the state it started from."""
        run_program(chain("a", "b"), engine=engine)
        before = engine.to_json()
        engine.config["toy:stallOn"] = "a"
        started = processes(engine)
        reading = KillSwitch.on(lambda: started[0].call_count("Read") > 0)
        with pytest.raises(ProviderKilledError, match="during Read"):
            engine.refresh(kill=reading)
        assert engine.to_json() == before

    def test_a_switch_that_never_fires_changes_nothing(self, engine: MiniEngine) -> None:
        """A run that ends before its switch fires succeeds, and the watcher stops."""
        never = KillSwitch.on(lambda: False)
        result = run_program(pool({"a": {"name": "a"}}), engine=engine, kill=never)
        assert (result.killed, result.error, never.fired.is_set()) == (False, None, False)

    def test_a_switch_serves_one_run(self, engine: MiniEngine) -> None:
        """Reusing an armed switch is refused before the run starts."""
        switch = KillSwitch.on(lambda: False)
        run_program(pool({"a": {"name": "a"}}), engine=engine, kill=switch)
        with pytest.raises(ValueError, match="make a new one per run"):
            engine.refresh(kill=switch)

    def test_pending_operations_survive_a_json_round_trip(self) -> None:
        """Saved state keeps the interrupted operations."""
        state = StackState("p", "s", [], [PendingOperation("urn:x", "creating", {"a": 1})])
        assert StackState.from_json(state.to_json()) == state


def test_program_outputs_of_a_killed_run_are_not_needed(engine: MiniEngine) -> None:
    """A killed run's RunResult still carries its record, state and error."""
    engine.config["toy:stallOn"] = "a"

    def program() -> None:
        pulumi.export("serial", Toy("a", name="a").serial)

    result = run_program(program, engine=engine, kill=KillSwitch.at(0), raise_on_error=False)
    assert isinstance(result.error, ProviderKilledError)
    assert result.state is engine.state
    assert result.record is engine.last_run
