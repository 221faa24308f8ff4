"""Token buckets per key (customer, IP address, staff login), in process and bounded.

Why in process: one gateway serves each conversation (docs/deploy.md), so its memory is
the natural place; a bucket costs a few bytes. Why bounded: the keys come from outside
(session ids, addresses), so at most ``max_keys`` buckets are kept and the one used least
recently is dropped first (an evicted key starts again with a full bucket; the per-address
bucket still holds a sender that rotates ids).

``allow(key)`` answers 0 when the call may go ahead (and takes a token), else the whole
seconds to wait, which the caller says to the person ("try again in N s").
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """``per_minute`` calls per key on average, up to ``burst`` at once."""

    def __init__(
        self,
        per_minute: float,
        burst: float | None = None,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.rate = per_minute / 60.0
        self.burst = float(burst if burst is not None else per_minute)
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def allow(self, key: str) -> int:
        """0 if allowed (a token is taken), else the seconds until one is available."""
        now = self._clock()
        bucket = self._buckets.pop(key, None) or _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        self._buckets[key] = bucket  # most recently used last
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0
        return max(1, math.ceil((1.0 - bucket.tokens) / self.rate))

    def __len__(self) -> int:
        return len(self._buckets)
