"""Phone-number jobs and messaging bulk updates, run in batches and waited for.

Telnyx changes and releases numbers in background jobs of at most 1,000 numbers, and refuses a
new job while 20 of the account's jobs are pending. `BatchRunner` submits jobs within those
limits, waits for them with the shared poll schedule, retries the numbers a job failed for
passing reasons, and returns what still failed, with Telnyx's reason and error codes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.errors import ReleaseError
from pulumi_bulknumbers.models import PhoneNumbersJob
from pulumi_bulknumbers.waiter import PollSchedule, wait_until

JOB_SIZE = 1000
"""Telnyx takes at most 1,000 numbers per phone-number job."""
MAX_PENDING_JOBS = 20
"""Telnyx refuses a new job while 20 of the account's jobs are pending."""
SUBMIT_WORKERS = 4
"""Jobs submitted at once (the client's rate limiter still spaces them)."""
LIST_SIZE = 250
"""Jobs listed per poll: the 20 a pool may have pending are among the newest."""
JOB_TIMEOUT = 3600.0
JOB_ROUNDS = 3
"""Jobs over the numbers a job failed, before they count as failed."""
NOT_FOUND_CODES = frozenset({"10005"})
LOCK_CODES = frozenset({"10015"})
"""The code a number's deletion lock refuses a release with (in the sandbox)."""

Failures = dict[str, tuple[str, set[str]]]
"""Number -> (reason, error codes)."""


def chunks(items: Sequence[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


@dataclass
class BatchRunner:
    """Runs jobs for one pool; `name` prefixes its messages."""

    client: BulkNumbersClient
    name: str
    schedule: PollSchedule = field(default_factory=PollSchedule)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    def run(
        self, numbers: Sequence[str], submit: Callable[[list[str]], PhoneNumbersJob]
    ) -> Failures:
        """Run jobs over `numbers`; retry the numbers that failed (a job fails some numbers
        for passing reasons); return what still failed, with the error codes."""
        final: Failures = {}
        last: Failures = {}
        todo = list(numbers)
        for _ in range(JOB_ROUNDS):
            last = {
                n: failure
                for n, failure in job_failures(self._run_jobs(todo, submit)).items()
                if not failure[1] & NOT_FOUND_CODES
            }
            final.update({n: f for n, f in last.items() if failure_is_final(f)})
            todo = sorted(n for n in last if not failure_is_final(last[n]))
            if not todo:
                break
        return {**final, **{n: last[n] for n in todo}}

    def set_messaging(self, numbers: Sequence[str], profile_id: str) -> dict[str, str]:
        failures: dict[str, str] = {}
        for chunk in chunks(numbers, JOB_SIZE):
            update = self.client.create_messaging_bulk_update(profile_id, chunk)
            outcome = wait_until(
                partial(self.client.get_messaging_bulk_update, update.order_id),
                lambda u: u.done,
                timeout=600,
                initial=update,
                schedule=self.schedule,
                clock=self.clock,
                sleep=self.sleep,
            )
            for number in outcome.value.failed:
                failures[number] = "messaging profile not applied"
            for number in outcome.value.pending if not outcome.finished else []:
                failures[number] = "messaging update still pending after 10 minutes"
        return failures

    def _run_jobs(
        self, numbers: Sequence[str], submit: Callable[[list[str]], PhoneNumbersJob]
    ) -> list[PhoneNumbersJob]:
        """Submit jobs of <= 1,000 numbers, <= 20 at a time, and wait for all of them."""
        finished: list[PhoneNumbersJob] = []
        pieces = list(chunks(numbers, JOB_SIZE))
        for start in range(0, len(pieces), MAX_PENDING_JOBS):
            wave = pieces[start : start + MAX_PENDING_JOBS]
            # Submitted together: each POST is one round trip the others need not wait for.
            with ThreadPoolExecutor(max_workers=min(SUBMIT_WORKERS, len(wave))) as pool:
                batch = list(pool.map(submit, wave))
            finished.extend(self._wait_all(batch))
        return finished

    def _wait_all(self, jobs: list[PhoneNumbersJob]) -> list[PhoneNumbersJob]:
        """Wait for every job; one list request a poll sees them all (newest jobs first)."""
        latest = {job.id: job for job in jobs}

        def poll() -> int:
            running = [i for i, job in latest.items() if not job.done]
            listed: dict[str, PhoneNumbersJob] = {}
            if len(running) > 1:
                page = self.client.list_jobs(job_type=jobs[0].type, page_size=LIST_SIZE)
                listed = {j.id: j for j in page.data}
            for job_id in running:
                # A job missing from the list is older than the newest 250: ask for it alone.
                latest[job_id] = listed.get(job_id) or self.client.get_job(job_id)
            return sum(not job.done for job in latest.values())

        outcome = wait_until(
            poll,
            lambda left: left == 0,
            timeout=JOB_TIMEOUT,
            initial=sum(not job.done for job in jobs),
            schedule=self.schedule,
            clock=self.clock,
            sleep=self.sleep,
        )
        if not outcome.finished:
            stuck = ", ".join(i for i, job in latest.items() if not job.done)
            raise ReleaseError(
                f"{self.name}: phone-number jobs {stuck} are still running after an hour; run "
                "the command again later to pick up where they stopped.",
                numbers=[],
            )
        return [latest[job.id] for job in jobs]


def job_failures(jobs: Iterable[PhoneNumbersJob]) -> Failures:
    """Every number the jobs failed for, with the reason and codes."""
    failures: Failures = {}
    for job in jobs:
        for op in job.failed_operations:
            number = op.phone_number or op.id or "?"
            reason = "; ".join(e.detail or e.title or e.code or "" for e in op.errors) or job.status
            failures[number] = (reason, {e.code for e in op.errors if e.code})
        if job.status in {"failed", "expired"}:
            # A job that ended early did not do what it did not report as done.
            succeeded = {op.phone_number or op.id for op in job.successful_operations}
            for item in [*job.phone_numbers, *job.pending_operations]:
                number = item.phone_number or item.id or "?"
                if number not in succeeded and number not in failures:
                    failures[number] = (f"job {job.status}", set())
    return failures


def failure_is_final(failure: tuple[str, set[str]]) -> bool:
    """A deletion lock does not go away by retrying; other job failures may."""
    reason, codes = failure
    return "lock" in reason.lower() or bool(codes & LOCK_CODES)
