"""ProviderProcess: the real plugin process, driven over the engine's gRPC protocol."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pulumi.output import Unknown

from pulumi_bulknumbers.testing import (
    CheckFailureInfo,
    ProviderError,
    ProviderProcess,
    ProviderStartError,
    secret,
)
from tests.testing.conftest import REPO_ROOT
from tests.testing.toy_provider import ToyStore

URN = "urn:pulumi:dev::test::pulumi:pulumi:Stack$pulumi-python:dynamic/toy:Toy::{}"


def _wait_for(predicate: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


class TestStartup:
    def test_opening_calls_follow_the_engine(self, process: ProviderProcess) -> None:
        """Handshake, GetPluginInfo and Configure run first, in the engine's order."""
        assert process.methods[:3] == ["Handshake", "GetPluginInfo", "Configure"]
        assert process.plugin_version == "0.1.0"

    def test_configure_sends_the_whole_namespaced_config(self, process: ProviderProcess) -> None:
        """Configure carries the stack config as args and variables, secrets accepted."""
        request = next(c.request for c in process.calls if c.method == "Configure")
        assert dict(request.variables) == process.config
        assert request.acceptSecrets
        assert "toy:statePath" in request.args

    def test_a_broken_plugin_fails_to_start_with_its_stderr(self, tmp_path: Path) -> None:
        """A plugin that dies before printing its port raises ProviderStartError with stderr."""
        broken = tmp_path / "pulumi"
        broken.mkdir()
        (broken / "__init__.py").write_text("raise ImportError('broken pulumi for the test')\n")
        with pytest.raises(ProviderStartError, match="broken pulumi for the test"):
            ProviderProcess(pythonpath=[tmp_path], start_timeout=10)


class TestCalls:
    def test_check_failures_come_back_as_a_list(
        self, process: ProviderProcess, pickled: str
    ) -> None:
        """Each CheckFailure arrives as a CheckFailureInfo, in order."""
        outcome = process.check(URN.format("bad"), {}, {"__provider": pickled, "size": -1})
        assert outcome.failures == [
            CheckFailureInfo("size", "size must be a number >= 0, got -1.0"),
            CheckFailureInfo("name", "name is required"),
        ]

    def test_crud_round_trip(
        self, process: ProviderProcess, pickled: str, module_store: ToyStore
    ) -> None:
        """Create, read, update and delete reach the provider with engine-shaped arguments."""
        urn = URN.format("crud")
        checked = process.check(urn, {}, {"__provider": secret(pickled), "name": "c", "size": 2})
        assert checked.failures == []
        created = process.create(urn, checked.inputs)
        assert created.outputs["size"] == 2  # whole floats come back as ints
        assert module_store.items()[created.id]["name"] == "c"
        read = process.read(created.id, created.outputs, checked.inputs)
        assert (read.id, read.inputs) == (created.id, {**checked.inputs, "__provider": pickled})
        news = {**checked.inputs, "size": 3}
        diff = process.diff(created.id, created.outputs, news, checked.inputs)
        assert (diff.changes, diff.replaces) == ("some", [])
        assert process.update(created.id, created.outputs, news, checked.inputs)["size"] == 3
        process.delete(created.id, created.outputs, news)
        assert created.id not in module_store.items()
        assert process.read(created.id, created.outputs).id == ""

    def test_diff_reports_replaces(self, process: ProviderProcess, pickled: str) -> None:
        """A changed immutable property is listed in replaces."""
        olds = {"__provider": pickled, "name": "a", "size": 1}
        diff = process.diff("toy-x", olds, {**olds, "name": "b"})
        assert (diff.changes, diff.replaces, diff.delete_before_replace) == (
            "some",
            ["name"],
            False,
        )

    def test_secrets_are_stripped_and_recorded(
        self, process: ProviderProcess, pickled: str
    ) -> None:
        """Secret wrappers never reach the provider; the call records which keys were secret."""
        process.check(URN.format("s"), {}, {"__provider": secret(pickled), "token": secret("t0k")})
        call = process.calls[-1]
        assert call.secret_keys == {"__provider", "token"}
        assert call.request.news["token"] == "t0k"

    def test_unknowns_are_sent_as_the_sentinel(
        self, process: ProviderProcess, pickled: str
    ) -> None:
        """Unknown() crosses as the unknown sentinel and comes back as Unknown()."""
        outcome = process.check(URN.format("u"), {}, {"__provider": pickled, "name": Unknown()})
        assert process.calls[-1].request.news["name"] == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
        assert isinstance(outcome.inputs["name"], Unknown)

    def test_none_is_dropped(self, process: ProviderProcess, pickled: str) -> None:
        """None-valued properties are not sent, as the engine skips nulls."""
        process.check(URN.format("n"), {}, {"__provider": pickled, "name": "n", "token": None})
        assert "token" not in process.calls[-1].request.news

    def test_provider_errors_carry_the_traceback(self, process: ProviderProcess) -> None:
        """An exception in the provider surfaces as ProviderError with its traceback."""
        with pytest.raises(ProviderError) as info:
            process.create(URN.format("e"), {"name": "e"})
        assert info.value.method == "Create"
        assert "KeyError: '__provider'" in info.value.details

    def test_calls_are_counted(self, process: ProviderProcess) -> None:
        """call_count counts one method's calls."""
        before = process.call_count("Cancel")
        process.cancel()
        assert process.call_count("Cancel") == before + 1


class TestLogsAndCrashes:
    def test_log_lines_are_captured(self, tmp_path: Path, pickled: str) -> None:
        """pulumi.log.warn in the provider shows up in process.logs."""
        config = {"toy:statePath": str(tmp_path / "s.json")}
        with ProviderProcess(config=config, pythonpath=[REPO_ROOT], cwd=REPO_ROOT) as proc:
            proc.create(URN.format("l"), {"__provider": pickled, "name": "l", "size": 1})
            _wait_for(lambda: "warning: toy created toy-1 (l)" in proc.logs)
            assert "toy created" in proc.stderr_text()

    def test_kill_makes_the_next_call_fail_clearly(self, tmp_path: Path, pickled: str) -> None:
        """After kill(), a call raises ProviderError naming the exit code."""
        config = {"toy:statePath": str(tmp_path / "s.json")}
        with ProviderProcess(config=config, pythonpath=[REPO_ROOT], cwd=REPO_ROOT) as proc:
            proc.kill()
            with pytest.raises(ProviderError, match="exited with code -9") as info:
                proc.check(URN.format("k"), {}, {"__provider": pickled, "name": "k"})
            assert info.value.code == "UNAVAILABLE"
