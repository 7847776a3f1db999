"""The campaign's table: summed over runs, printed, written to results.json and the README."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.chaos.scenario import RunReport

START, END = "<!-- chaos:start -->", "<!-- chaos:end -->"
DEFINITIONS = """\
How each figure is counted (from the sandbox's own database, never the provider's word):
- *orders bought*: bulk orders whose number orders hold at least one number; *intended*: one
  per pool, plus one top-up (3 pools, 1 top-up: 4 a run).
- *duplicates*: orders bought beyond those intended, per customer_reference (the twins share
  one); *orphans*: bought orders that no state ever recorded and whose numbers are still owned
  after the final destroy.
- *numbers released unasked*: numbers released in a step that did not ask for them (up,
  refresh, an update beyond its shrink); *numbers lost*: recorded numbers released unasked,
  plus every number still owned after the final destroy.
- *clear error*: a failure whose message is the engine's or one of the package's own errors
  (`pulumi_bulknumbers.errors`), naming the problem; *crash*: a raw Python exception (KeyError,
  TypeError, JSONDecodeError, an httpx error...) as the only message, or a step that hung. A run
  counts by the worst failure it showed; kills are the campaign's doing and counted apart."""


def git_commit(root: Path) -> str:
    """The short commit the campaign ran against (``+dirty`` when the tree had changes)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def summarise(reports: Sequence[RunReport], **meta: Any) -> dict[str, Any]:
    """The campaign's totals, with ``meta`` (command, seed, commit...) in front."""
    faults: Counter[str] = Counter()
    attempts: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for report in reports:
        faults.update(report.faults)
        for attempt in report.attempts:
            attempts["clean re-runs" if attempt.clean else "chaos attempts"] += 1
            attempts[attempt.outcome] += 1
            if attempt.outcome in ("crash", "hung"):
                crashes[f"{attempt.step}: {attempt.message[:160]}"] += 1
        if report.audit is not None:
            for key in (
                "orders_bought",
                "orders_intended",
                "duplicates",
                "orphans",
                "numbers_lost",
                "released_unasked",
                "owned_after_destroy",
            ):
                totals[key] += getattr(report.audit, key)
    outcomes = Counter(report.outcome for report in reports)
    return {
        **meta,
        "runs": len(reports),
        "faults_injected": sum(faults.values()),
        "faults_by_kind": dict(sorted(faults.items())),
        "provider_kills": sum(r.kills for r in reports),
        "sandbox_restarts": sum(r.restarts for r in reports),
        "server_tracebacks": sum(r.server_tracebacks for r in reports),
        **{key: totals[key] for key in sorted(totals)},
        "runs_without_failure": outcomes["clean"],
        "runs_ending_in_clear_errors": outcomes["clear"],
        "runs_with_a_crash": outcomes["crash"],
        "runs_stuck": sum(1 for r in reports if r.stuck),
        "attempts": dict(sorted(attempts.items())),
        "wall_seconds_per_run": round(sum(r.seconds for r in reports) / max(1, len(reports)), 1),
        "crashes": [{"count": n, "where": text} for text, n in crashes.most_common(10)],
        "findings": [
            {
                "seed": r.seed,
                "replay": f"python -m benchmarks.chaos --replay {r.seed}",
                "findings": r.findings(),
            }
            for r in reports
            if r.findings()
        ],
    }


def table(summary: dict[str, Any]) -> str:
    """The summary as a Markdown table."""
    kinds = ", ".join(f"{k} {v}" for k, v in summary["faults_by_kind"].items()) or "none"
    rows = [
        ("runs", summary["runs"]),
        ("faults injected", f"{summary['faults_injected']} ({kinds})"),
        ("provider kills", summary["provider_kills"]),
        ("sandbox restarts", summary["sandbox_restarts"]),
        (
            "orders bought / intended",
            f"{summary.get('orders_bought', 0)} / {summary.get('orders_intended', 0)}",
        ),
        ("duplicate orders", summary.get("duplicates", 0)),
        ("orphaned orders", summary.get("orphans", 0)),
        ("numbers lost", summary.get("numbers_lost", 0)),
        ("numbers released unasked", summary.get("released_unasked", 0)),
        ("runs without a failure", summary["runs_without_failure"]),
        ("runs ending in a clear error", summary["runs_ending_in_clear_errors"]),
        ("runs with a crash", summary["runs_with_a_crash"]),
        ("runs where a clean re-run never succeeded", summary["runs_stuck"]),
    ]
    lines = ["| figure | value |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def readme_section(summary: dict[str, Any]) -> str:
    """The README's chaos section, markers included."""
    return "\n".join(
        [
            START,
            "## Fault campaign",
            "",
            f"`{summary['command']}` ({summary['runs']} runs, campaign seed {summary['seed']}, "
            f"main at {summary['commit']}, {summary['wall_seconds_per_run']} s a run):",
            "",
            table(summary),
            "",
            "Replay one run, with its provider logs: "
            "`.venv/bin/python -m benchmarks.chaos --replay SEED` (the seeds with findings are "
            "in `benchmarks/chaos/results.json`). Kills by time and the request a random fault "
            "strikes depend on timing, so a replay is close to, not always exactly, the "
            "original run.",
            "",
            DEFINITIONS,
            END,
        ]
    )


def write(summary: dict[str, Any], results: Path, readme: Path) -> None:
    """Write results.json, and the README section between its markers (appended if absent)."""
    results.write_text(json.dumps(summary, indent=2) + "\n")
    text = readme.read_text()
    section = readme_section(summary)
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    readme.write_text(text)
