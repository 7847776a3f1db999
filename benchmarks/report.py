"""The one table a run produces: printed, written to results.json, and put in the README.

The README's performance section lives between `<!-- bench:start -->` and `<!-- bench:end -->`;
only that part of the README is rewritten.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
COMMAND = "make bench"
COLUMNS = ("scenario", "ours", "baseline", "ratio", "target", "met")


@dataclass
class Row:
    """One line of the table; `figures` are the measured numbers behind it."""

    scenario: str
    ours: str
    target: str
    met: bool | None
    """None where the issue sets no target (the row only reports)."""
    baseline: str = ""
    ratio: str = ""
    note: str = ""
    """How it was measured, and for a missed target the gap and its cause."""
    figures: dict[str, Any] = field(default_factory=dict)

    def cells(self) -> tuple[str, ...]:
        """The row's text, column by column."""
        met = {True: "yes", False: "**no**", None: "n/a"}[self.met]
        return (self.scenario, self.ours, self.baseline or "-", self.ratio or "-", self.target, met)


@dataclass
class Report:
    """A whole run: every row, plus when, where and how long."""

    rows: list[Row]
    settings: dict[str, Any]
    seconds: float
    generated: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    machine: dict[str, Any] = field(default_factory=lambda: machine_info())

    def table(self) -> str:
        """The rows as a Markdown table (readable as plain text too)."""
        lines = [
            "| " + " | ".join(COLUMNS) + " |",
            "|" + "|".join("---" for _ in COLUMNS) + "|",
        ]
        lines += ["| " + " | ".join(_cell(c) for c in row.cells()) + " |" for row in self.rows]
        return "\n".join(lines)

    def notes(self) -> str:
        """Each row's note, numbered by scenario."""
        return "\n".join(f"- **{row.scenario}**: {row.note}" for row in self.rows if row.note)

    def summary(self) -> str:
        """Targets met, missed, and the run's length."""
        met = sum(1 for r in self.rows if r.met is True)
        missed = sum(1 for r in self.rows if r.met is False)
        return (
            f"{met} targets met, {missed} missed, {len(self.rows) - met - missed} rows report "
            f"only; the run took {self.seconds / 60:.1f} minutes."
        )

    def to_json(self) -> dict[str, Any]:
        """Everything, machine-readable."""
        return {
            "command": COMMAND,
            "generated": self.generated,
            "seconds": round(self.seconds, 1),
            "machine": self.machine,
            "settings": self.settings,
            "rows": [
                {
                    "scenario": r.scenario,
                    "ours": r.ours,
                    "baseline": r.baseline,
                    "ratio": r.ratio,
                    "target": r.target,
                    "met": r.met,
                    "note": r.note,
                    "figures": r.figures,
                }
                for r in self.rows
            ],
        }

    def readme_section(self) -> str:
        """The README's performance section (without the markers)."""
        m = self.machine
        return "\n".join(
            [
                f"`{COMMAND}` runs the scenarios in `benchmarks/` (issue 6) against the sandbox on "
                f"loopback with {self.settings['latency_ms']} ms of latency per request, each "
                "beside a baseline measured in the same run, and rewrites this section and "
                "`benchmarks/results.json`. Last run: "
                f"{self.generated}, {m['cpus']} CPUs ({m['cpu']}), Python {m['python']}, "
                f"commit {m['commit']}{' with local changes' if m['dirty'] else ''}; load "
                f"average {m['load_average'][0]:.1f} at the start (a shared machine: timings "
                "vary from run to run by tens of percent).",
                "",
                self.table(),
                "",
                self.summary(),
                "",
                self.notes(),
            ]
        )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def machine_info() -> dict[str, Any]:
    """Where the run happened: CPU, memory, Python, platform, and the code's commit."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        memory_gb = None
    return {
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "cpu": cpu or "unknown",
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "executable": sys.executable,
        **_git(),
    }


def _git() -> dict[str, Any]:
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout
    except OSError:
        return {"commit": "unknown", "dirty": False}
    return {"commit": commit or "unknown", "dirty": bool(status.strip())}


def write_json(report: Report, path: Path) -> None:
    """Write results.json."""
    path.write_text(json.dumps(report.to_json(), indent=2) + "\n")


def update_readme(report: Report, path: Path) -> None:
    """Replace what lies between the bench markers in the README; nothing else changes."""
    text = path.read_text()
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{path} has no {START} ... {END} section to rewrite")
    section = f"{START}\n{report.readme_section()}\n{END}"
    path.write_text(text[:start] + section + text[end + len(END) :])
