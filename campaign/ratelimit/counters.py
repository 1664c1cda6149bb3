"""Fixed-window counters for the rate limiter, in Redis or in this process's memory.

One request checks several windows at once (the per-address limits of its action and, with
a widget key, the widget's limits). ``hit`` does it in one step: if every window has room,
all are incremented; if any is full, none is, and the full one is named. In Redis that step
is one Lua script, so a limited request costs one round trip, and the answer carries the
counts and remaining times the ``X-RateLimit-*`` headers are computed from. A window starts
with its first hit and lasts its length (as the ``limits`` library's fixed window does).
"""

import threading
import time
from dataclasses import dataclass

import redis

# KEYS: the window keys. ARGV: for each key, its limit and its length in milliseconds.
# Returns {index of the first full window or 0, counts..., milliseconds left...}.
HIT_SCRIPT = """
local n = #KEYS
local counts, left = {}, {}
local full = 0
for i = 1, n do
  counts[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
  left[i] = redis.call('PTTL', KEYS[i])
  if full == 0 and counts[i] >= tonumber(ARGV[2 * i - 1]) then full = i end
end
if full == 0 then
  for i = 1, n do
    counts[i] = redis.call('INCR', KEYS[i])
    if left[i] < 0 then
      redis.call('PEXPIRE', KEYS[i], ARGV[2 * i])
      left[i] = tonumber(ARGV[2 * i])
    end
  end
end
local answer = {full}
for i = 1, n do answer[1 + i] = counts[i] end
for i = 1, n do answer[1 + n + i] = left[i] end
return answer
"""

# Gives back one hit on each key that still exists (a window that has ended stays ended).
REFUND_SCRIPT = """
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 0
"""


@dataclass(frozen=True)
class Window:
    key: str
    limit: int
    seconds: int


@dataclass(frozen=True)
class Hit:
    full: int | None  # index of the window that refused the request, None when counted
    counts: list[int]
    seconds_left: list[float]


class MemoryCounters:
    """Counters of this process only: right for one process, and the fallback for Redis."""

    PURGE_EVERY = 1000

    def __init__(self):
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, float]] = {}
        self._hits = 0

    def _current(self, key: str, now: float) -> tuple[int, float]:
        count, ends = self._windows.get(key, (0, 0.0))
        return (count, ends) if ends > now else (0, 0.0)

    def hit(self, windows: list[Window]) -> Hit:
        now = time.monotonic()
        with self._lock:
            self._purge(now)
            current = [self._current(w.key, now) for w in windows]
            room = [count < w.limit for w, (count, _) in zip(windows, current, strict=True)]
            full = None if all(room) else room.index(False)
            if full is None:
                current = [
                    (count + 1, ends or now + w.seconds)
                    for w, (count, ends) in zip(windows, current, strict=True)
                ]
                for w, value in zip(windows, current, strict=True):
                    self._windows[w.key] = value
        counts = [count for count, _ in current]
        left = [max(ends - now, 0.0) for _, ends in current]
        return Hit(full, counts, left)

    def refund(self, keys: list[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                count, ends = self._current(key, now)
                if count > 0:
                    self._windows[key] = (count - 1, ends)

    def check(self) -> bool:
        return True

    def _purge(self, now: float) -> None:
        # Ended windows are dropped now and then, so the dict does not grow with every client.
        self._hits += 1
        if self._hits % self.PURGE_EVERY == 0:
            self._windows = {k: v for k, v in self._windows.items() if v[1] > now}


class RedisCounters:
    """Counters shared by every worker and host that use this Redis."""

    def __init__(self, url: str, options: dict):
        self._client = redis.Redis.from_url(url, **options)
        self._hit = self._client.register_script(HIT_SCRIPT)
        self._refund = self._client.register_script(REFUND_SCRIPT)

    def hit(self, windows: list[Window]) -> Hit:
        args = [value for w in windows for value in (w.limit, w.seconds * 1000)]
        answer = self._hit(keys=[w.key for w in windows], args=args)
        n = len(windows)
        full = int(answer[0]) - 1 if answer[0] else None
        counts = [int(c) for c in answer[1 : 1 + n]]
        left = [max(int(ms), 0) / 1000 for ms in answer[1 + n :]]
        return Hit(full, counts, left)

    def refund(self, keys: list[str]) -> None:
        self._refund(keys=keys)

    def check(self) -> bool:
        return bool(self._client.ping())
