"""``python -m pulumi_bulknumbers.sandbox``: serve the sandbox on loopback until terminated.

The first line of standard output is the base URL (``http://127.0.0.1:PORT/v2``).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from pulumi_bulknumbers.sandbox.app import DEFAULT_DB, Sandbox
from pulumi_bulknumbers.sandbox.faults import DEFAULT_RANDOM_KINDS, KINDS, FaultKind, parse_kinds
from pulumi_bulknumbers.sandbox.server import serve


def _kinds(value: str) -> tuple[FaultKind, ...]:
    try:
        return parse_kinds(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_bulknumbers.sandbox",
        description="A Telnyx look-alike for the numbers API, on loopback. Prints its base URL "
        "as the first line of output, then serves until SIGTERM or SIGINT.",
    )
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    add("--port", type=int, default=0, help="port to listen on; 0 picks a free one (default: 0)")
    add(
        "--db",
        default=str(DEFAULT_DB),
        help="SQLite file holding the state; ':memory:' keeps none (default: %(default)s)",
    )
    add("--api-key", default=None, help="the only bearer key accepted (default: any non-empty key)")
    add("--seed", type=int, default=0, help="inventory and fault seed (default: 0)")
    add(
        "--processing-seconds",
        type=float,
        default=0.0,
        help="how long a bulk or number order takes; 0 = done at the next read (default: 0)",
    )
    add(
        "--job-seconds",
        type=float,
        default=0.0,
        help="how long a phone-number job or messaging bulk update takes (default: 0)",
    )
    add("--latency-ms", type=int, default=0, help="delay added to every answer (default: 0)")
    add(
        "--rate-limit",
        type=float,
        default=None,
        help="requests a second before answering 429 with x-ratelimit headers (default: none)",
    )
    add(
        "--fault-rate",
        type=float,
        default=0.0,
        help="fraction of requests that fail, drawn from the seed (default: 0)",
    )
    add(
        "--fault-kinds",
        type=_kinds,
        default=DEFAULT_RANDOM_KINDS,
        help="comma-separated kinds --fault-rate draws from: "
        f"{', '.join(KINDS)} (default: error,cut)",
    )
    return parser  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server; return the exit status."""
    args = _parser().parse_args(argv)
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with (
        Sandbox(
            args.db,
            seed=args.seed,
            api_key=args.api_key,
            processing_seconds=args.processing_seconds,
            job_seconds=args.job_seconds,
            latency_ms=args.latency_ms,
            rate_limit=args.rate_limit,
            fault_rate=args.fault_rate,
            fault_kinds=args.fault_kinds,
        ) as sandbox,
        serve(sandbox, args.host, args.port) as server,
    ):
        print(server.base_url, flush=True)
        while not stop.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
