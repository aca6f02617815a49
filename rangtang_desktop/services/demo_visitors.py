"""The people who visit households in the demonstration data: in each village a child director,
one or more grid workers and, for about half of the village groups, the group leader, with invented
names. Every household is assigned to its group's visitor; a few groups are chronically behind.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.records import Household
from ..storage import nodes
from . import demo_names as names

SIGNATURES = 50  # distinct signature images; a visitor's is one of them
WEAK_GROUP_SHARE = 0.07  # groups whose visitor falls behind month after month
SLOW_SIGNER_SHARE = 0.1  # visitors who leave their recent visits unsigned


@dataclass(frozen=True)
class Visitor:
    user: nodes.User
    role: str  # a VISITOR_ROLE code
    signature: int  # index into the signature images
    speaks_local: bool  # speaks the township's own language, not only Amdo and Chinese
    slow_signer: bool


@dataclass
class Staff:
    visitors: list[Visitor] = field(default_factory=list)
    by_group: dict[str, Visitor] = field(default_factory=dict)  # group code → assigned visitor
    directors: dict[str, Visitor] = field(default_factory=dict)  # village code → child director
    workers: dict[str, list[Visitor]] = field(default_factory=dict)  # village code → grid workers
    weak_groups: set[str] = field(default_factory=set)
    households: list[Household] = field(default_factory=list)


def assign_visitors(rng: random.Random, new_id: Callable[[], str], households: list[Household]) -> Staff:
    """Invent each village's visitors and set every household's ``assigned_worker`` (before the
    households are written, so the assignment is part of their first record)."""
    staff = Staff(households=households)
    groups: dict[str, list[str]] = {}
    for household in households:
        codes = groups.setdefault(household.village_code, [])
        if household.group_code not in codes:
            codes.append(household.group_code)
    for village_code, codes in groups.items():
        hire = _Hiring(rng, new_id, staff, village_code)
        staff.directors[village_code] = hire("child_director", "female")
        workers = staff.workers[village_code] = [hire("grid_worker") for _ in range(1 + len(codes) // 4)]
        for index, code in enumerate(sorted(codes)):
            staff.by_group[code] = hire("group_leader") if rng.random() < 0.5 else workers[index % len(workers)]
            if rng.random() < WEAK_GROUP_SHARE:
                staff.weak_groups.add(code)
    for household in households:
        household.assigned_worker = staff.by_group[household.group_code].user.user_id
    return staff


@dataclass
class _Hiring:
    """Makes the visitors of one village, with names that differ within the village."""

    rng: random.Random
    new_id: Callable[[], str]
    staff: Staff
    village_code: str
    taken: set[str] = field(default_factory=set)

    def __call__(self, role: str, sex: str | None = None) -> Visitor:
        rng = self.rng
        sex = sex or rng.choice(("male", "male", "female"))
        name, han = "", False
        while not name or name in self.taken:
            han = role != "group_leader" and rng.random() < 0.08  # some township staff are Han
            name = names.han_name(rng, sex) if han else names.tibetan_name(rng, sex).zh
        self.taken.add(name)
        user = nodes.User(self.new_id(), name, role, self.village_code)
        speaks_local = role == "group_leader" or (not han and rng.random() < 0.6)
        visitor = Visitor(user, role, len(self.staff.visitors) % SIGNATURES, speaks_local, rng.random() < SLOW_SIGNER_SHARE)
        self.staff.visitors.append(visitor)
        return visitor
