"""A toy dynamic provider for the engine stand-in's tests: records in a JSON file.

The file path comes from stack config ``toy:statePath`` (read in ``configure``), so each test's
records stay in its own ``tmp_path`` and tests can change them behind the provider's back.
``toy:stallOn`` names a record whose create (after saving it), read and delete (before removing
it) stall for ``toy:stallSeconds`` (default 60): a provider call a kill switch can cut short.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

FIELDS = ("name", "size", "token")
IMMUTABLE = ("name",)


class ToyStore:
    """The toy backend: ``{"next": int, "items": {id: record}}`` in one JSON file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def load(self) -> dict[str, Any]:
        """Read the whole store (empty when the file does not exist yet)."""
        if not self.path.exists():
            return {"next": 1, "items": {}}
        data: dict[str, Any] = json.loads(self.path.read_text())
        return data

    def save(self, data: dict[str, Any]) -> None:
        """Write the whole store atomically (a test may read it while the provider writes)."""
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(data, indent=1, sort_keys=True))
        os.replace(partial, self.path)

    def items(self) -> dict[str, dict[str, Any]]:
        """The records by id."""
        items: dict[str, dict[str, Any]] = self.load()["items"]
        return items


class ToyProvider(ResourceProvider):
    """Keeps ``name``/``size``/``token`` records; ``name`` is immutable (changing it replaces)."""

    def configure(self, req: ConfigureRequest) -> None:
        self.store = ToyStore(req.config.require("toy:statePath"))
        self.fail_on = req.config.get("toy:failOn") or ""
        self.fail_delete = req.config.get("toy:failDelete") == "true"
        self.stall_on = req.config.get("toy:stallOn") or ""
        self.stall_seconds = float(req.config.get("toy:stallSeconds") or 60)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        size = news.get("size")
        if not isinstance(size, Unknown) and (not isinstance(size, int | float) or size < 0):
            failures.append(CheckFailure("size", f"size must be a number >= 0, got {size!r}"))
        if not isinstance(news.get("name"), str | Unknown):
            failures.append(CheckFailure("name", "name is required"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in FIELDS if olds.get(k) != news.get(k)]
        replaces = [k for k in changed if k in IMMUTABLE]
        return DiffResult(changes=bool(changed), replaces=replaces)

    def create(self, props: dict[str, Any]) -> CreateResult:
        if props.get("name") == self.fail_on:
            raise RuntimeError(f"toy refuses to create {props['name']!r}")
        data = self.store.load()
        id_ = f"toy-{data['next']}"
        data["next"] += 1
        data["items"][id_] = {k: props.get(k) for k in FIELDS}
        self.store.save(data)
        self._stall(props.get("name"))
        pulumi.log.warn(f"toy created {id_} ({props['name']})")
        return CreateResult(id_, self._outs(id_, data["items"][id_]))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        record = self.store.items().get(id_)
        if record is None:
            return ReadResult("", {})
        self._stall(record.get("name"))
        inputs = {k: v for k, v in record.items() if v is not None}
        return ReadResult(id_, self._outs(id_, record), inputs)

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        data = self.store.load()
        data["items"][id_] = {k: news.get(k) for k in FIELDS}
        self.store.save(data)
        return UpdateResult(self._outs(id_, data["items"][id_]))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        if self.fail_delete:
            raise RuntimeError(f"toy cannot delete {id_} right now")
        self._stall(self.store.items().get(id_, {}).get("name"))
        data = self.store.load()
        data["items"].pop(id_, None)
        self.store.save(data)
        pulumi.log.info(f"toy deleted {id_}")

    def _stall(self, name: object) -> None:
        if self.stall_on and name == self.stall_on:
            time.sleep(self.stall_seconds)

    def _outs(self, id_: str, record: dict[str, Any]) -> dict[str, Any]:
        outs = {k: v for k, v in record.items() if v is not None}
        outs["serial"] = int(id_.split("-")[1])
        return outs


class Toy(Resource, module="toy", name="Toy"):
    """A toy record; ``serial`` is an output only."""

    name: pulumi.Output[str]
    size: pulumi.Output[int]
    serial: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        size: pulumi.Input[int] = 1,
        token: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"name": name, "size": size, "token": token, "serial": None}
        super().__init__(ToyProvider(), resource_name, props, opts)


class PlainToyProvider(ToyProvider):
    """A ToyProvider without an opinion on diffs: ``DiffResult()`` means DIFF_UNKNOWN."""

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        return DiffResult()


class PlainToy(Resource, module="toy", name="PlainToy"):
    """A toy record managed by ``PlainToyProvider``."""

    size: pulumi.Output[int]

    def __init__(self, resource_name: str, *, name: str, size: int = 1) -> None:
        props = {"name": name, "size": size, "serial": None}
        super().__init__(PlainToyProvider(), resource_name, props)
