"""Hybrid logical clock: timestamps that order changes across laptops even when clocks are wrong.

A timestamp is (wall milliseconds, counter, node id). It never goes backwards on one node, even when
the system clock jumps back (a dead BIOS battery), and it moves past every timestamp the node has
seen from others. Stored as one integer (wall and counter) beside the node id: ordering by
(packed, node id) is time order, with the node id breaking ties deterministically.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_COUNTER = 99_999


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int
    node_id: str

    @property
    def packed(self) -> int:
        return self.wall_ms * (MAX_COUNTER + 1) + self.counter

    @classmethod
    def unpack(cls, packed: int, node_id: str) -> Timestamp:
        wall, counter = divmod(packed, MAX_COUNTER + 1)
        return cls(wall, counter, node_id)


def system_ms() -> int:
    return time.time_ns() // 1_000_000


class HybridClock:
    """Issues timestamps for one node."""

    def __init__(self, node_id: str, last: Timestamp | None = None, wall: Callable[[], int] = system_ms):
        self.node_id = node_id
        self._wall = wall
        self._last_wall = last.wall_ms if last else 0
        self._last_counter = last.counter if last else 0

    @property
    def last(self) -> Timestamp:
        return Timestamp(self._last_wall, self._last_counter, self.node_id)

    def clock_behind_ms(self) -> int:
        """How far the system clock is behind the newest time seen (0 when it is not)."""
        return max(0, self._last_wall - self._wall())

    def now(self) -> Timestamp:
        """A timestamp later than every one issued or observed before."""
        wall = self._wall()
        if wall > self._last_wall:
            self._last_wall, self._last_counter = wall, 0
        else:
            self._advance_counter()
        return self.last

    def observe(self, seen: Timestamp) -> None:
        """Move past a timestamp received from another node."""
        if (seen.wall_ms, seen.counter) > (self._last_wall, self._last_counter):
            self._last_wall, self._last_counter = seen.wall_ms, seen.counter

    def _advance_counter(self) -> None:
        if self._last_counter >= MAX_COUNTER:
            self._last_wall, self._last_counter = self._last_wall + 1, 0
        else:
            self._last_counter += 1
