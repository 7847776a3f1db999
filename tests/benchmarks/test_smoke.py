"""The benchmark suite runs end to end at toy sizes, and its report is well formed.

Nothing here is timed: `make bench` measures; this only shows every scenario still runs against
the current provider, engine stand-in and sandbox, and that the report files come out right.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import runner
from benchmarks.__main__ import main
from benchmarks.report import END, START, Report, Row, update_readme, write_json
from benchmarks.scenarios import SCENARIOS
from benchmarks.settings import SMOKE


@pytest.fixture(name="report", scope="module")
def _report() -> Report:
    """Every scenario once, at smoke size (no latency, tiny pools)."""
    return runner.run(SMOKE, out=lambda _line: None)


class TestEveryScenarioRuns:
    """Each scenario family yields rows with every column a reader needs."""

    def test_every_scenario_yields_rows(self, report: Report) -> None:
        """Twelve kinds of row at least, none empty."""
        assert len(report.rows) >= 12
        for row in report.rows:
            assert row.scenario
            assert row.ours
            assert row.target
            assert row.met in (True, False, None)

    def test_a_missed_target_says_why(self, report: Report) -> None:
        """A row whose target is missed carries a note (the gap and its cause)."""
        for row in report.rows:
            if row.met is False:
                assert row.note, row.scenario

    def test_table_has_one_line_per_row(self, report: Report) -> None:
        """The Markdown table: header, rule, then one line per row, six cells each."""
        lines = report.table().splitlines()
        assert len(lines) == 2 + len(report.rows)
        assert all(line.count(" | ") == 5 for line in lines[2:])


class TestReportFiles:
    """results.json and the README section."""

    def test_results_json_is_machine_readable(self, report: Report, tmp_path: Path) -> None:
        """Date, machine and per-row figures, as JSON."""
        path = tmp_path / "results.json"
        write_json(report, path)
        data = json.loads(path.read_text())
        assert data["command"] == "make bench"
        assert data["generated"]
        assert data["machine"]["cpus"]
        assert len(data["rows"]) == len(report.rows)
        assert all("figures" in row for row in data["rows"])

    def test_readme_changes_only_between_markers(self, tmp_path: Path) -> None:
        """Text outside the markers is untouched; the section holds the table and the command."""
        readme = tmp_path / "README.md"
        readme.write_text(f"# Title\n\n## Performance\n\n{START}\nold\n{END}\n\n## Limits\n")
        report = Report([Row("a scenario", "1 request", "<= 2", True)], {"latency_ms": 50}, 1.0)
        update_readme(report, readme)
        text = readme.read_text()
        assert text.startswith("# Title\n\n## Performance\n\n" + START)
        assert text.endswith(END + "\n\n## Limits\n")
        assert "old" not in text
        assert "| a scenario | 1 request |" in text
        assert "`make bench`" in text

    def test_readme_without_markers_is_refused(self, tmp_path: Path) -> None:
        """No markers, no rewrite: the README is left as it was."""
        readme = tmp_path / "README.md"
        readme.write_text("# Title\n")
        report = Report([], {"latency_ms": 50}, 1.0)
        with pytest.raises(ValueError, match="bench:start"):
            update_readme(report, readme)
        assert readme.read_text() == "# Title\n"


def test_unknown_scenario_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """The command line names the scenarios it knows."""
    with pytest.raises(SystemExit):
        main(["--smoke", "no-such-scenario"])
    err = capsys.readouterr().err
    assert all(name in err for name in SCENARIOS)
