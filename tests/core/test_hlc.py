"""The hybrid logical clock: monotonic on one laptop, and past everything seen from others."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rangtang_desktop.core.hlc import MAX_COUNTER, HybridClock, Timestamp


class FakeWall:
    """A settable system clock in milliseconds."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_now_follows_the_wall_clock_when_it_moves_forward():
    """With a clock moving forward, timestamps are the wall time with counter 0."""
    wall = FakeWall(1_000)
    clock = HybridClock("n", wall=wall)
    assert clock.now() == Timestamp(1_000, 0, "n")
    wall.ms = 2_000
    assert clock.now() == Timestamp(2_000, 0, "n")


def test_monotonic_when_the_wall_clock_goes_backwards():
    """A clock set back (dead BIOS battery) does not make timestamps go back."""
    wall = FakeWall(5_000)
    clock = HybridClock("n", wall=wall)
    first = clock.now()
    wall.ms = 1_000
    second, third = clock.now(), clock.now()
    assert first < second < third
    assert second.wall_ms == 5_000
    assert clock.clock_behind_ms() == 4_000


def test_same_millisecond_counts_up():
    """Several timestamps in the same millisecond differ by their counter."""
    clock = HybridClock("n", wall=FakeWall(7))
    assert [clock.now().counter for _ in range(3)] == [0, 1, 2]


def test_counter_overflow_moves_to_the_next_millisecond():
    """After the largest counter the clock moves one millisecond on rather than overflowing."""
    clock = HybridClock("n", Timestamp(10, MAX_COUNTER, "n"), wall=FakeWall(0))
    assert clock.now() == Timestamp(11, 0, "n")


def test_observe_moves_past_a_remote_timestamp():
    """After seeing a later timestamp from another laptop, the next one is later still."""
    clock = HybridClock("a", wall=FakeWall(1_000))
    remote = Timestamp(9_000, 3, "b")
    clock.observe(remote)
    assert (clock.now().wall_ms, clock.now().counter) > (remote.wall_ms, remote.counter)
    assert clock.clock_behind_ms() == 8_000


def test_observe_ignores_an_older_timestamp():
    """Seeing an older timestamp changes nothing."""
    clock = HybridClock("a", wall=FakeWall(5_000))
    before = clock.now()
    clock.observe(Timestamp(1, 0, "b"))
    assert clock.last == before


def test_restarting_from_the_last_timestamp_continues_after_it():
    """A clock rebuilt from its last stored timestamp continues after it."""
    last = Timestamp(8_000, 4, "n")
    clock = HybridClock("n", last, wall=FakeWall(100))
    assert clock.now() > last


@given(st.integers(min_value=0, max_value=2**44), st.integers(min_value=0, max_value=MAX_COUNTER), st.text(max_size=8))
def test_packed_round_trip(wall_ms, counter, node_id):
    """unpack(packed) gives back the same wall time and counter."""
    stamp = Timestamp(wall_ms, counter, node_id)
    assert Timestamp.unpack(stamp.packed, node_id) == stamp


@given(
    st.tuples(st.integers(0, 2**44), st.integers(0, MAX_COUNTER)),
    st.tuples(st.integers(0, 2**44), st.integers(0, MAX_COUNTER)),
)
def test_packed_order_is_time_order(a, b):
    """Ordering by the packed integer is ordering by (wall, counter)."""
    assert (Timestamp(*a, "n").packed < Timestamp(*b, "n").packed) == (a < b)


walls = st.integers(min_value=0, max_value=2**42)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("now"), walls),
        st.tuples(st.just("observe"), st.tuples(walls, st.integers(0, MAX_COUNTER))),
    ),
    min_size=1,
    max_size=60,
)


@given(walls, steps)
def test_any_history_gives_strictly_increasing_timestamps(start, history):
    """Whatever the wall clock does and whatever is observed, each now() is later than all before it."""
    wall = FakeWall(start)
    clock = HybridClock("n", wall=wall)
    newest = (-1, -1)
    for kind, value in history:
        if kind == "now":
            wall.ms = value
            stamp = clock.now()
            assert (stamp.wall_ms, stamp.counter) > newest
            assert stamp.counter <= MAX_COUNTER
            newest = (stamp.wall_ms, stamp.counter)
        else:
            clock.observe(Timestamp(*value, "remote"))
            newest = max(newest, value)
