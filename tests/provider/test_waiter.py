"""waiter: adaptive, bounded polling on an injected clock."""

from __future__ import annotations

import pytest

from pulumi_bulknumbers.waiter import PollSchedule, wait_until


class FakeTime:
    """A clock whose sleep advances it instantly."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class TestWaitUntil:
    """wait_until polls until done or the deadline, never longer."""

    @pytest.mark.parametrize("finish", [5.0, 60.0, 600.0], ids=["5s", "60s", "600s"])
    def test_completion_is_noticed_soon_after(self, finish: float) -> None:
        """An order finishing at T is seen within 1 s + 10 % of T."""
        t = FakeTime()
        outcome = wait_until(
            lambda: t.now >= finish, bool, timeout=3600, clock=t.clock, sleep=t.sleep
        )
        assert outcome.finished
        assert t.now - finish <= 1 + 0.1 * finish

    def test_timeout_returns_last_value_unfinished(self) -> None:
        """A wait that runs out returns what it saw, marked unfinished, at the deadline."""
        t = FakeTime()
        outcome = wait_until(
            lambda: "pending", lambda v: v == "done", timeout=30, clock=t.clock, sleep=t.sleep
        )
        assert not outcome.finished
        assert outcome.value == "pending"
        assert t.now == pytest.approx(30)

    def test_initial_value_saves_a_request(self) -> None:
        """A value already in hand is judged before any fetch."""
        calls: list[int] = []
        outcome = wait_until(lambda: calls.append(1) or 1, lambda v: v == 1, timeout=5, initial=1)
        assert outcome.finished
        assert calls == []
        assert outcome.polls == 0

    def test_on_poll_sees_every_value(self) -> None:
        """Progress reporting sees each fetched value."""
        t = FakeTime()
        values = iter(["pending", "processing", "success"])
        seen: list[str] = []
        wait_until(
            lambda: next(values),
            lambda v: v == "success",
            timeout=60,
            on_poll=seen.append,
            clock=t.clock,
            sleep=t.sleep,
        )
        assert seen == ["pending", "processing", "success"]

    def test_zero_timeout_does_not_sleep(self) -> None:
        """With no time to wait, the wait returns after one look."""
        t = FakeTime()
        outcome = wait_until(lambda: False, bool, timeout=0, clock=t.clock, sleep=t.sleep)
        assert not outcome.finished
        assert t.sleeps == []


class TestPollSchedule:
    """The interval grows with the time waited, within its bounds, as the docstring says."""

    def test_interval_bounds(self) -> None:
        """The first poll comes after `minimum`; the interval grows by `growth`, up to `cap`."""
        schedule = PollSchedule(minimum=0.5, growth=0.1, cap=60)
        assert schedule.interval(0) == 0.5
        assert schedule.interval(100) == pytest.approx(10.5)
        assert schedule.interval(10_000) == 60
        assert schedule.interval(-1) == 0.5

    @pytest.mark.parametrize("finish", [0.1 * 1.05**k for k in range(0, 180, 3)])
    def test_lateness_is_within_minimum_plus_growth(self, finish: float) -> None:
        """Whenever the work ends, it is seen at most minimum + growth * T late."""
        schedule = PollSchedule()
        t = FakeTime()
        wait_until(
            lambda: t.now >= finish,
            bool,
            timeout=3600,
            schedule=schedule,
            clock=t.clock,
            sleep=t.sleep,
        )
        late = t.now - finish
        assert late <= schedule.minimum + schedule.growth * finish + 1e-9
        assert late <= 1 + 0.1 * finish - 0.5 + 1e-9

    @pytest.mark.parametrize(("finish", "polls"), [(5, 8), (60, 27), (600, 51)])
    def test_poll_counts_match_the_docstring(self, finish: float, polls: int) -> None:
        """The documented number of polls to notice work ending after 5 s, 60 s and 600 s."""
        t = FakeTime()
        outcome = wait_until(
            lambda: t.now >= finish,
            bool,
            timeout=3600,
            initial=False,  # like the provider, which has the POST's answer in hand
            clock=t.clock,
            sleep=t.sleep,
        )
        assert outcome.polls == polls
