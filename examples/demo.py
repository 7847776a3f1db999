"""`make demo`: the quick-start pool bought, grown in place, refreshed and destroyed (sandbox).

With a `pulumi` binary on PATH this runs the real CLI on a throwaway local backend; without one
it runs the same program through the offline engine stand-in the tests use, and says so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ROOT / "examples" / "quickstart"
WORK = ROOT / ".bulknumbers"
SANDBOX = f"sandbox:{WORK / 'demo.sqlite3'}?processing_seconds=3"


def main() -> int:
    WORK.mkdir(exist_ok=True)
    (WORK / "demo.sqlite3").unlink(missing_ok=True)
    if shutil.which("pulumi"):
        return _with_cli()
    print("No `pulumi` binary on PATH: running the program through the offline engine stand-in")
    print("(the real provider process, spoken to over the engine's gRPC protocol).\n")
    return _offline()


def _offline() -> int:
    from pulumi_bulknumbers.testing import MiniEngine, run_program

    engine = MiniEngine(project="bulknumbers-demo", stack="demo", pythonpath=[str(ROOT)])
    config = {"telnyx:baseUrl": SANDBOX}
    _title("pulumi up")
    up = run_program(PROGRAM, engine=engine, config=config)
    _show_logs(up.logs)
    print(f"status: {up.outputs['status']}")
    for i, group in enumerate(up.outputs["groups"], start=1):
        print(
            f"  group {i}: {group['country_iso']} {group['phone_number_type']}: "
            f"{group['status']}, {group['count_allocated']}/{group['count_requested']} numbers"
        )
    print("numbers bought:")
    for number in up.outputs["numbers"]:
        print(f"  {number}")

    _title("pulumi preview (unchanged program)")
    preview = run_program(PROGRAM, engine=engine, config=config, preview=True)
    print(f"changes: {preview.changed() or 'none'}")

    grown = {**config, "bulknumbers-demo:nycCount": "12"}
    _title("pulumi preview, the 212 group grown from 10 to 12 (config nycCount=12)")
    preview = run_program(PROGRAM, engine=engine, config=grown, preview=True)
    _show_logs(preview.logs)
    _title("pulumi up (in place: a top-up order for the difference)")
    grow = run_program(PROGRAM, engine=engine, config=grown)
    _show_logs(grow.logs)
    added = sorted(set(grow.outputs["numbers"]) - set(up.outputs["numbers"]))
    print(f"steps: {grow.ops()}; numbers added: {', '.join(added)}")

    _title("pulumi refresh")
    refresh = engine.refresh()
    _show_logs(refresh.logs)
    print(f"steps: {refresh.ops()}")

    _title("pulumi destroy")
    destroy = engine.destroy()
    _show_logs(destroy.logs)
    print(f"steps: {destroy.ops()}; resources left in state: {len(engine.state.resources)}")
    return 0


def _with_cli() -> int:
    env = {
        **os.environ,
        "PULUMI_CONFIG_PASSPHRASE": "demo",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_BACKEND_URL": "file://" + tempfile.mkdtemp(prefix="bulknumbers-demo-"),
    }

    def pulumi(*args: str) -> None:
        print(f"\n$ pulumi {' '.join(args)}", flush=True)
        subprocess.run(["pulumi", *args], cwd=ROOT, env=env, check=True)

    pulumi("stack", "init", "demo")
    pulumi("config", "set", "telnyx:baseUrl", SANDBOX)
    pulumi("up", "--yes", "--skip-preview")
    pulumi("stack", "output", "--json")
    pulumi("config", "set", "nycCount", "12")
    pulumi("preview")
    pulumi("up", "--yes", "--skip-preview")
    pulumi("refresh", "--yes")
    pulumi("destroy", "--yes")
    pulumi("stack", "rm", "--yes")
    return 0


def _title(text: str) -> None:
    print(f"\n== {text} ==", flush=True)


def _show_logs(lines: list[str]) -> None:
    for line in lines:
        print(f"  | {line}")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as exc:
        print(json.dumps({"failed": exc.cmd}), file=sys.stderr)
        sys.exit(1)
