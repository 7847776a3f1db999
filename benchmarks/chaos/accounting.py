"""Auditing a run from the sandbox's own database, and sorting the failures the user saw.

The provider's word is not taken for anything: what was bought is read from the sandbox's
tables (a bulk order "bought" when its number orders hold at least one number), what the user
holds from the engine's state after each attempt, what was released from the sandbox's owned
numbers before and after each attempt.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pulumi_bulknumbers.testing import DeploymentError, ProviderKilledError, StackState

Outcome = Literal["ok", "killed", "clear", "crash"]
_DOMAIN_ERRORS = "pulumi_bulknumbers.errors."
_TRACEBACK = "Traceback (most recent call last):"
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$")


def classify(error: BaseException | None) -> tuple[Outcome, str]:
    """What a failed step showed the user, and the line that says so.

    ``clear``: a check failure or engine message, or a provider error raised as one of the
    package's own errors (``pulumi_bulknumbers.errors``), whose messages name the problem.
    ``crash``: anything else out of the provider (``KeyError``, ``TypeError``, a JSON decode
    error, an httpx exception...), whose traceback is the only message; or a harness exception.
    """
    if error is None:
        return "ok", ""
    if isinstance(error, ProviderKilledError):
        return "killed", str(error).splitlines()[0]
    text = str(error)
    if not isinstance(error, DeploymentError):
        return "crash", f"{type(error).__name__}: {text}".splitlines()[0]
    if _TRACEBACK not in text:
        return "clear", text.splitlines()[0] if text else "(empty message)"
    name, message = _raised(text)
    line = f"{name}: {message}" if message else name
    return ("clear" if name.startswith(_DOMAIN_ERRORS) else "crash"), line


def _raised(text: str) -> tuple[str, str]:
    """The exception named at the end of the provider's last traceback."""
    lines = text[text.rindex(_TRACEBACK) :].splitlines()[1:]
    for line in lines:
        if line and not line[0].isspace():
            found = _EXCEPTION_LINE.match(line)
            if found:
                return found.group(1), (found.group(2) or "").strip()
            return line.split(":", 1)[0], line
    return "(unparsed traceback)", ""


def pool_holdings(state: StackState) -> dict[str, tuple[set[str], set[str]]]:
    """Each resource's recorded bulk orders and numbers, by logical name."""
    held: dict[str, tuple[set[str], set[str]]] = {}
    for res in state.resources:
        if not res.dynamic or res.delete:
            continue
        outs = res.outputs
        orders = {str(o) for o in outs.get("order_ids") or []}
        orders |= {str(v) for v in (res.id, outs.get("order_id")) if v}
        held[res.name] = (orders, {str(n) for n in outs.get("phone_numbers") or []})
    return held


@dataclass
class Ledger:
    """What the engine's state recorded over a run, and the releases nobody asked for."""

    recorded_orders: set[str] = field(default_factory=set)
    recorded_numbers: set[str] = field(default_factory=set)
    released_unasked: set[str] = field(default_factory=set)

    def record(self, state: StackState) -> None:
        """Take in the state after an attempt."""
        for orders, numbers in pool_holdings(state).values():
            self.recorded_orders |= orders
            self.recorded_numbers |= numbers

    def released(
        self, released: Iterable[str], *, asked_all: bool, allowance: dict[str, int],
        owners: Mapping[str, str],
    ) -> None:  # fmt: skip
        """Judge one attempt's releases: ``asked_all`` (destroy) asks for every one; otherwise
        ``allowance`` is how many numbers of each pool a shrink may still release (spent here),
        ``owners`` the pool each recorded number belonged to before the step."""
        if asked_all:
            return
        for number in sorted(released):
            owner = owners.get(number)
            if owner is not None and allowance.get(owner, 0) > 0:
                allowance[owner] -= 1
            else:
                self.released_unasked.add(number)


@dataclass(frozen=True)
class Audit:
    """A run's figures (see the README's chaos section for the definitions)."""

    orders_bought: int
    orders_intended: int
    duplicates: int
    orphans: int
    orphan_ids: tuple[str, ...]
    numbers_lost: int
    released_unasked: int
    owned_after_destroy: int


def bought_orders(dump: Mapping[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Bulk orders whose number orders hold at least one number: id → customer_reference."""
    parent = {row["id"]: row["bulk_order_id"] for row in dump["number_orders"]}
    buying = Counter(
        parent.get(row["number_order_id"])
        for row in dump["phone_numbers"]
        if row["status"] != "purchase-failed"
    )
    return {
        str(row["id"]): str(row["customer_reference"] or "")
        for row in dump["bulk_orders"]
        if buying.get(row["id"], 0) > 0
    }


def numbers_by_order(dump: Mapping[str, list[dict[str, Any]]]) -> dict[str, set[str]]:
    """Bulk order id → the E.164 numbers it bought (owned or not)."""
    parent = {row["id"]: row["bulk_order_id"] for row in dump["number_orders"]}
    out: dict[str, set[str]] = {}
    for row in dump["phone_numbers"]:
        order = parent.get(row["number_order_id"])
        if order is not None:
            out.setdefault(str(order), set()).add(str(row["phone_number"]))
    return out


def audit(
    dump: Mapping[str, list[dict[str, Any]]],
    ledger: Ledger,
    intended: Mapping[str, int],
    owned_at_end: set[str],
) -> Audit:
    """The run's figures from the sandbox's final tables and what the state recorded."""
    bought = bought_orders(dump)
    by_reference = Counter(bought.values())
    duplicates = sum(
        max(0, count - intended.get(reference, 0)) for reference, count in by_reference.items()
    )
    numbers = numbers_by_order(dump)
    orphans = sorted(
        order
        for order in bought
        if order not in ledger.recorded_orders and numbers.get(order, set()) & owned_at_end
    )
    lost = (ledger.released_unasked & ledger.recorded_numbers) | owned_at_end
    return Audit(
        orders_bought=len(bought),
        orders_intended=sum(intended.values()),
        duplicates=duplicates,
        orphans=len(orphans),
        orphan_ids=tuple(orphans),
        numbers_lost=len(lost),
        released_unasked=len(ledger.released_unasked),
        owned_after_destroy=len(owned_at_end),
    )
