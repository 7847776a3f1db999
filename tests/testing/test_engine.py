"""MiniEngine + run_program: whole programs through the real provider process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.output import Unknown

from pulumi_bulknumbers.testing import DeploymentError, MiniEngine, StackState, run_program
from tests.testing.toy_provider import PlainToy, Toy, ToyStore

OPENING = ["Handshake", "GetPluginInfo", "Configure"]
SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def pool(spec: dict[str, dict[str, Any]], **opts: Any) -> Callable[[], None]:
    """A program declaring one Toy per entry of ``spec`` and exporting each serial."""

    def program() -> None:
        for name, props in spec.items():
            options = pulumi.ResourceOptions(**opts) if opts else None
            toy = Toy(name, opts=options, **props)
            pulumi.export(f"{name}_serial", toy.serial)

    return program


class TestUp:
    def test_up_creates_and_exports(self, engine: MiniEngine, store: ToyStore) -> None:
        """A first up creates every resource and resolves the stack outputs."""
        result = run_program(
            pool({"a": {"name": "a"}, "b": {"name": "b", "size": 2}}), engine=engine
        )
        assert result.ops() == {"a": "create", "b": "create"}
        assert sorted(result.outputs.values()) == [1, 2]
        assert sorted(r["name"] for r in store.items().values()) == ["a", "b"]
        assert sorted(r.name for r in engine.state.resources) == ["a", "b"]

    def test_preview_of_an_unchanged_program_only_checks_and_diffs(
        self, engine: MiniEngine
    ) -> None:
        """Preview after up calls Check and Diff only, and reports no change."""
        program = pool({"a": {"name": "a"}})
        run_program(program, engine=engine)
        before = engine.to_json()
        result = run_program(program, engine=engine, preview=True)
        assert result.record.calls == [*OPENING, "Check", "Diff"]
        assert result.changed() == {}
        assert result.outputs == {"a_serial": 1}
        assert engine.to_json() == before

    def test_preview_of_a_create_echoes_inputs_and_leaves_unknowns(
        self, engine: MiniEngine, store: ToyStore
    ) -> None:
        """Preview of a new resource creates nothing; its output-only values stay unknown."""
        result = run_program(pool({"a": {"name": "a"}}), engine=engine, preview=True)
        assert result.ops() == {"a": "create"}
        assert "Create" not in result.record.calls
        assert isinstance(result.outputs["a_serial"], Unknown)
        assert store.items() == {}
        assert engine.state.resources == []

    def test_preview_passes_unknown_inputs_to_check(self, engine: MiniEngine) -> None:
        """An input wired from an unknown output reaches Check as the unknown sentinel."""

        def program() -> None:
            first = Toy("first", name="first")
            Toy("second", name=first.serial.apply(lambda s: f"after-{s}"))

        result = run_program(program, engine=engine, preview=True)
        assert result.ops() == {"first": "create", "second": "create"}
        run_program(program, engine=engine)
        assert engine.state.by_name("second").inputs["name"] == "after-1"
        checks = [c for c in result.record.calls if c == "Check"]
        assert len(checks) == 2

    def test_update_in_place(self, engine: MiniEngine, store: ToyStore) -> None:
        """A changed mutable input is an update: Diff says some, Update runs, id is kept."""
        run_program(pool({"a": {"name": "a", "size": 1}}), engine=engine)
        result = run_program(pool({"a": {"name": "a", "size": 4}}), engine=engine)
        assert result.ops() == {"a": "update"}
        assert result.record.calls[3:] == ["Check", "Diff", "Update"]
        assert store.items()["toy-1"]["size"] == 4
        assert engine.state.by_name("a").outputs["size"] == 4

    def test_replace_creates_before_deleting(self, engine: MiniEngine, store: ToyStore) -> None:
        """A changed immutable input re-checks with empty olds, creates, then deletes the old."""
        run_program(pool({"a": {"name": "a"}}), engine=engine)
        result = run_program(pool({"a": {"name": "z"}}), engine=engine)
        assert result.ops() == {"a": "replace"}
        assert result.record.calls[3:] == ["Check", "Diff", "Check", "Create", "Delete"]
        assert list(store.items()) == ["toy-2"]
        assert engine.state.by_name("a").id == "toy-2"

    def test_a_failed_replaced_delete_is_retried_first_next_time(
        self, engine: MiniEngine, store: ToyStore
    ) -> None:
        """If deleting the replaced resource fails, it stays marked and the next up deletes it."""
        run_program(pool({"a": {"name": "a"}}), engine=engine)
        engine.config["toy:failDelete"] = "true"
        with pytest.raises(DeploymentError, match="toy cannot delete toy-1"):
            run_program(pool({"a": {"name": "z"}}), engine=engine)
        assert [(r.id, r.delete) for r in engine.state.resources] == [
            ("toy-2", False),
            ("toy-1", True),
        ]
        del engine.config["toy:failDelete"]
        result = run_program(pool({"a": {"name": "z"}}), engine=engine)
        assert result.record.calls[3:] == ["Delete", "Check", "Diff"]
        assert list(store.items()) == ["toy-2"]
        assert engine.state.urns == [engine.state.by_name("a").urn]

    def test_delete_before_replace(self, engine: MiniEngine, store: ToyStore) -> None:
        """delete_before_replace deletes the old resource before creating its replacement."""
        run_program(pool({"a": {"name": "a"}}, delete_before_replace=True), engine=engine)
        result = run_program(pool({"a": {"name": "z"}}, delete_before_replace=True), engine=engine)
        assert result.record.calls[3:] == ["Check", "Diff", "Check", "Delete", "Create"]
        assert list(store.items()) == ["toy-2"]

    def test_removed_resources_are_deleted_in_reverse_order(
        self, engine: MiniEngine, store: ToyStore
    ) -> None:
        """Resources no longer registered are deleted, last registered first."""
        run_program(
            pool({"a": {"name": "a"}, "b": {"name": "b"}, "c": {"name": "c"}}), engine=engine
        )
        order = [r.name for r in engine.state.resources if r.name != "b"]
        result = run_program(pool({"b": {"name": "b"}}), engine=engine)
        assert list(result.changed()) == order[::-1]
        assert set(result.changed().values()) == {"delete"}
        assert [r["name"] for r in store.items().values()] == ["b"]

    def test_a_provider_failure_stops_the_run_and_keeps_what_succeeded(
        self, engine: MiniEngine
    ) -> None:
        """A failing Create raises DeploymentError with the provider's message; others persist."""
        engine.config["toy:failOn"] = "bad"

        def program() -> None:
            first = Toy("a", name="ok")
            Toy("b", name=first.serial.apply(lambda _: "bad"))

        with pytest.raises(DeploymentError, match="toy refuses to create 'bad'") as info:
            run_program(program, engine=engine)
        assert info.value.record is engine.last_run
        assert engine.last_run.error is not None
        assert [r.name for r in engine.state.resources] == ["a"]

    def test_check_failures_fail_the_run(self, engine: MiniEngine) -> None:
        """CheckFailures are reported per property and nothing is created."""
        result = run_program(
            pool({"a": {"name": "a", "size": -2}}), engine=engine, raise_on_error=False
        )
        assert isinstance(result.error, DeploymentError)
        assert "check failed: size: size must be a number >= 0" in str(result.error)
        assert "Create" not in result.record.calls

    def test_diff_unknown_falls_back_to_comparing_inputs(self, engine: MiniEngine) -> None:
        """With DiffResult() the engine compares old and new inputs itself."""
        run_program(lambda: PlainToy("p", name="p", size=1), engine=engine)
        same = run_program(lambda: PlainToy("p", name="p", size=1), engine=engine)
        assert (same.ops(), same.record.diffs[engine.state.urns[0]].changes) == (
            {"p": "same"},
            "unknown",
        )
        changed = run_program(lambda: PlainToy("p", name="p", size=2), engine=engine)
        assert changed.ops() == {"p": "update"}

    def test_other_resource_types_echo_their_inputs(self, engine: MiniEngine) -> None:
        """A non-dynamic resource gets its inputs back as outputs, so outputs can be wired on."""

        def program() -> None:
            toy = Toy("a", name="a")
            sink = pulumi.CustomResource("test:index:Sink", "sink", {"serial": toy.serial})
            pulumi.export("sink_serial", sink.serial)  # type: ignore[attr-defined]
            pulumi.export("sink_id", sink.id)

        result = run_program(program, engine=engine)
        assert result.outputs == {"sink_serial": 1, "sink_id": "sink-id"}
        assert result.ops() == {"a": "create", "sink": "create"}

    def test_a_crashed_provider_fails_the_run_clearly(self, engine: MiniEngine) -> None:
        """A provider killed before its first call makes the run fail with the exit code."""
        engine.on_process_start = lambda proc: proc.kill()
        with pytest.raises(DeploymentError, match="exited with code -9"):
            run_program(pool({"a": {"name": "a"}}), engine=engine)
        assert engine.state.resources == []


class TestOptions:
    def test_protect_blocks_delete(self, engine: MiniEngine, store: ToyStore) -> None:
        """A protected resource is not deleted when removed, and the run fails saying so."""
        run_program(pool({"a": {"name": "a"}}, protect=True), engine=engine)
        with pytest.raises(DeploymentError, match="protected"):
            run_program(pool({}), engine=engine)
        assert engine.state.by_name("a").protect
        assert list(store.items()) == ["toy-1"]
        run_program(pool({"a": {"name": "a"}}), engine=engine)
        run_program(pool({}), engine=engine)
        assert store.items() == {}

    def test_retain_on_delete_skips_delete(self, engine: MiniEngine, store: ToyStore) -> None:
        """A retained resource leaves the state without a Delete call."""
        run_program(pool({"a": {"name": "a"}}, retain_on_delete=True), engine=engine)
        result = run_program(pool({}), engine=engine)
        assert result.ops() == {"a": "delete"}
        assert "Delete" not in result.record.calls
        assert list(store.items()) == ["toy-1"]
        assert engine.state.resources == []

    def test_ignore_changes_keeps_the_old_value(self, engine: MiniEngine) -> None:
        """An ignored input change leads to no step."""
        run_program(pool({"a": {"name": "a", "size": 1}}, ignore_changes=["size"]), engine=engine)
        result = run_program(
            pool({"a": {"name": "a", "size": 9}}, ignore_changes=["size"]), engine=engine
        )
        assert result.ops() == {"a": "same"}

    def test_replace_on_changes_turns_an_update_into_a_replace(self, engine: MiniEngine) -> None:
        """replace_on_changes on a changed property replaces instead of updating."""
        run_program(
            pool({"a": {"name": "a", "size": 1}}, replace_on_changes=["size"]), engine=engine
        )
        result = run_program(
            pool({"a": {"name": "a", "size": 2}}, replace_on_changes=["size"]), engine=engine
        )
        assert result.ops() == {"a": "replace"}

    def test_get_reads_an_existing_resource(self, engine: MiniEngine, store: ToyStore) -> None:
        """ResourceOptions(id=...) reads the resource; dropping it later deletes nothing."""
        run_program(pool({"a": {"name": "a", "size": 3}}), engine=engine)

        def program() -> None:
            Toy("a", name="a", size=3)
            got = Toy("seen", name="a", opts=pulumi.ResourceOptions(id="toy-1"))
            pulumi.export("seen_size", got.size)

        result = run_program(program, engine=engine)
        assert result.ops() == {"a": "same", "seen": "read"}
        assert result.outputs["seen_size"] == 3
        result = run_program(pool({"a": {"name": "a", "size": 3}}), engine=engine)
        assert result.ops() == {"a": "same", "seen": "discard"}
        assert "Delete" not in result.record.calls
        assert list(store.items()) == ["toy-1"]


class TestRefreshAndDestroy:
    def test_refresh_drops_an_externally_deleted_resource(
        self, engine: MiniEngine, store: ToyStore
    ) -> None:
        """A resource that Read reports gone leaves the state."""
        run_program(pool({"a": {"name": "a"}, "b": {"name": "b"}}), engine=engine)
        data = store.load()
        del data["items"][engine.state.by_name("a").id]
        store.save(data)
        record = engine.refresh()
        assert record.calls == [*OPENING, "Read", "Read"]
        assert record.ops() == {"a": "delete", "b": "same"}
        assert engine.state.urns == [engine.state.by_name("b").urn]

    def test_refresh_takes_in_drift(self, engine: MiniEngine, store: ToyStore) -> None:
        """Drifted values replace the stored outputs and, via ReadResult.inputs, the inputs."""
        run_program(pool({"a": {"name": "a", "size": 1}}), engine=engine)
        data = store.load()
        data["items"]["toy-1"]["size"] = 7
        store.save(data)
        assert engine.refresh().ops() == {"a": "update"}
        state = engine.state.by_name("a")
        assert (state.outputs["size"], state.inputs["size"]) == (7, 7)
        result = run_program(pool({"a": {"name": "a", "size": 1}}), engine=engine, preview=True)
        assert result.ops() == {"a": "update"}

    def test_destroy_deletes_everything_in_reverse(
        self, engine: MiniEngine, store: ToyStore
    ) -> None:
        """destroy deletes every resource, last registered first, and empties the state."""
        run_program(pool({"a": {"name": "a"}, "b": {"name": "b"}}), engine=engine)
        order = [r.name for r in engine.state.resources]
        record = engine.destroy()
        assert list(record.ops()) == order[::-1]
        assert record.calls == [*OPENING, "Delete", "Delete"]
        assert store.items() == {}
        assert engine.state.resources == []


class TestSecretsLogsAndState:
    def test_secrets_are_stripped_and_annotated(self, engine: MiniEngine) -> None:
        """A secret input is sent plain, and the same-named output is stored and exported secret."""

        def program() -> None:
            toy = Toy("a", name="a", token=pulumi.Output.secret("t0k3n"))
            pulumi.export("token", toy.token)  # type: ignore[attr-defined]

        result = run_program(program, engine=engine)
        assert result.outputs == {"token": "t0k3n"}
        assert result.secret_outputs == {"token"}
        assert engine.state.by_name("a").secret_outputs == ["__provider", "token"]

    def test_provider_warnings_are_recorded(self, engine: MiniEngine) -> None:
        """pulumi.log.warn lines from the provider land in the run's logs."""
        result = run_program(pool({"a": {"name": "a"}}), engine=engine)
        assert "warning: toy created toy-1 (a)" in result.logs

    def test_state_round_trips_through_json(self, engine: MiniEngine, tmp_path: Path) -> None:
        """to_json/from_json keep everything; a restored engine sees no change."""

        def program() -> None:
            Toy("a", name="a", token=pulumi.Output.secret("s"))

        run_program(program, engine=engine)
        saved = tmp_path / "state.json"
        saved.write_text(engine.to_json())
        assert StackState.from_json(saved.read_text()) == engine.state
        restored = MiniEngine.from_json(
            saved.read_text(), config=engine.config, pythonpath=engine.pythonpath, cwd=engine.cwd
        )
        assert run_program(program, engine=restored, preview=True).changed() == {}

    def test_a_program_file_runs_like_the_cli(self, engine: MiniEngine, tmp_path: Path) -> None:
        """A __main__.py runs as __main__ in its own directory and reads its config."""
        program_dir = tmp_path / "prog"
        program_dir.mkdir()
        (program_dir / "__main__.py").write_text(
            "import os\n"
            "import pulumi\n"
            "from tests.testing.toy_provider import Toy\n"
            "assert __name__ == '__main__'\n"
            "cfg = pulumi.Config('toy')\n"
            "toy = Toy('f', name=cfg.require('label'))\n"
            "pulumi.export('cwd', os.getcwd())\n"
            "pulumi.export('name', toy.name)\n"
        )
        config = {**engine.config, "toy:label": "from-config"}
        result = run_program(program_dir, engine=engine, config=config)
        assert result.outputs == {"cwd": str(program_dir), "name": "from-config"}
