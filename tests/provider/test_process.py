"""The provider as the engine sees it: check with no network, pickling, secrets, examples."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import dill
import pytest

from pulumi_bulknumbers.provider import BulkNumberOrderProvider
from pulumi_bulknumbers.sandbox import Sandbox, SandboxServer
from pulumi_bulknumbers.testing import (
    DeploymentError,
    MiniEngine,
    ProviderProcess,
    run_program,
)
from tests.provider.cases import INVALID, inputs
from tests.provider.conftest import API_KEY, ROOT, Stack

URN = "urn:pulumi:dev::test::pulumi-python:dynamic:BulkNumberOrder::pool"


def _provider_blob() -> str:
    return base64.b64encode(dill.dumps(BulkNumberOrderProvider(), recurse=True)).decode()


@pytest.fixture(name="process", scope="module")
def _process() -> Iterator[ProviderProcess]:
    with ProviderProcess(pythonpath=[str(ROOT)], cwd=str(ROOT)) as process:
        yield process


class TestCheckThroughTheProcess:
    """check runs in the provider process, names every bad field, and sends nothing."""

    def test_invalid_table_fails_with_zero_requests(
        self, process: ProviderProcess, live_sandbox: Sandbox, server: SandboxServer
    ) -> None:
        """Each invalid input gets a CheckFailure naming its field; the sandbox hears nothing."""
        blob = _provider_blob()
        for case_id, props, path in INVALID:
            outcome = process.check(URN, {}, {**props, "__provider": blob})
            paths = [f.property for f in outcome.failures]
            assert path in paths, (case_id, outcome.failures)
        assert len(INVALID) >= 25
        assert live_sandbox.calls == []

    def test_valid_inputs_are_normalized(self, process: ProviderProcess) -> None:
        """A valid pool passes check with its counts as whole numbers."""
        outcome = process.check(URN, {}, {**inputs(), "__provider": _provider_blob()})
        assert outcome.failures == []
        assert outcome.inputs["ordering_groups"][0]["count_requested"] == 5


class TestPickledProvider:
    """The provider pickles by reference, small, with nothing secret in it."""

    def test_pickle_is_small_and_by_reference(self) -> None:
        """The __provider blob names the class instead of carrying code, under 1 KB."""
        blob = _provider_blob()
        assert len(blob) <= 1024
        assert b"pulumi_bulknumbers.provider" in base64.b64decode(blob)


class TestSecrecy:
    """The API key appears nowhere: state, outputs, pickled provider, logs, errors."""

    def test_key_is_nowhere(self, make_stack: Callable[..., Stack]) -> None:
        """After up, a failed up and destroy, no artefact holds the key."""
        from tests.provider.test_outcomes import local, pool_program

        stack = make_stack()
        up = run_program(pool_program(local(3)), engine=stack.engine)
        stack.sandbox.set_inventory("US", "local", "415", available=0)
        with pytest.raises(DeploymentError) as failed:
            run_program(
                pool_program(local(1, national_destination_code="415", strategy="never")),
                engine=stack.engine,
            )
        destroy = stack.engine.destroy()
        haystacks: list[Any] = [
            stack.engine.to_json(),
            repr(up.outputs),
            "\n".join(up.logs),
            "\n".join(destroy.logs),
            str(failed.value),
            _provider_blob(),
        ]
        for text in haystacks:
            assert API_KEY not in str(text)


class TestExamples:
    """Every example program runs through the real provider process."""

    @pytest.mark.parametrize("name", ["quickstart", "us_ca_pools", "wired_outputs"])
    def test_example_up_and_destroy(
        self, name: str, server: SandboxServer, live_sandbox: Sandbox, tmp_path: Any
    ) -> None:
        """The example buys its numbers, exports them, and destroy releases them all."""
        program = ROOT / "examples" / name
        engine = MiniEngine(  # like the CLI, the provider runs in the program's directory
            project="example",
            config={
                "telnyx:baseUrl": server.base_url,
                "telnyx:apiKey": API_KEY,
                "example:directoryPath": str(tmp_path / "dir.json"),
            },
            secret_keys=["telnyx:apiKey"],
            pythonpath=[str(ROOT)],
            cwd=str(program),
        )
        up = run_program(program, engine=engine)
        exported = [v for k, v in up.outputs.items() if "numbers" in k]
        bought = sorted(n for numbers in exported for n in numbers)
        assert bought
        assert bought == sorted(live_sandbox.owned_numbers())
        if name == "wired_outputs":
            assert (tmp_path / "dir.json").read_text().count("+1") == len(bought)
        if name == "us_ca_pools":  # one named group's numbers, through group_numbers
            hotline = up.outputs["us_hotline"]
            assert len(hotline) == 2
            assert all(n.startswith("+1888") for n in hotline)
            assert set(hotline) <= set(up.outputs["us_numbers"])
        stack_destroy = engine.destroy()
        assert stack_destroy.error is None
        assert live_sandbox.owned_numbers() == []
