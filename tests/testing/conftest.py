"""Fixtures for the engine stand-in's tests: a toy provider, its store, engines and processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_bulknumbers.testing import MiniEngine, ProviderProcess
from tests.testing.toy_provider import ToyProvider, ToyStore

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(name="store")
def _store(tmp_path: Path) -> ToyStore:
    return ToyStore(tmp_path / "toy.json")


@pytest.fixture(name="engine")
def _engine(store: ToyStore) -> MiniEngine:
    return MiniEngine(
        config={"toy:statePath": str(store.path)}, pythonpath=[REPO_ROOT], cwd=REPO_ROOT
    )


@pytest.fixture(name="pickled", scope="session")
def _pickled() -> str:
    """The ``__provider`` value a ``Toy`` resource sends (pickled by reference)."""
    return serialize_provider(ToyProvider())


@pytest.fixture(name="module_store", scope="module")
def _module_store(tmp_path_factory: pytest.TempPathFactory) -> ToyStore:
    return ToyStore(tmp_path_factory.mktemp("toy") / "toy.json")


@pytest.fixture(name="process", scope="module")
def _process(module_store: ToyStore) -> Iterator[ProviderProcess]:
    """One provider process per module: its tests use distinct ids, so no state leaks."""
    with ProviderProcess(
        config={"toy:statePath": str(module_store.path)}, pythonpath=[REPO_ROOT], cwd=REPO_ROOT
    ) as proc:
        yield proc
