"""The token bucket: bursts, refill, the wait it reports, and its bounded memory."""

from __future__ import annotations

from bot.rate_limit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_the_wait_until_the_next_token() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=3, clock=clock)
    assert [limiter.allow("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.allow("a") == 10  # one token per 10 s
    clock.now += 4
    assert limiter.allow("a") == 6
    clock.now += 6
    assert limiter.allow("a") == 0
    assert limiter.allow("b") == 0  # keys are independent


def test_memory_is_bounded_least_recently_used_first() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=1, burst=1, max_keys=3, clock=clock)
    for key in ("a", "b", "c"):
        assert limiter.allow(key) == 0
    assert limiter.allow("a") > 0  # a is now the most recently used
    assert limiter.allow("d") == 0  # evicts b, the least recently used
    assert len(limiter) == 3
    assert limiter.allow("c") > 0 and limiter.allow("a") > 0
    assert limiter.allow("b") == 0  # b was forgotten: a fresh bucket
