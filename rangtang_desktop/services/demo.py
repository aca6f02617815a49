"""The demonstration database: invented villages in Rangtang's real townships, with households,
people, relations, parents' situations, entrusted care and categories that look like a real register.

Everything comes from ``random.Random(seed)``, record ids included (UUIDv7 text made from the seeded
generator, a fixed base time and a counter), so one seed gives the same register on every run of
the same day; dates are counted back from today so the data stays current. The register is written
through the change log in bulk mode, like any other write, inside one transaction. The visitors,
a year of visits and the family-education sessions (``demo_visits``) come from a stream of their own.

Scales: ``village`` (one village, 100–130 households), ``township`` (one township's 7–9 villages,
about 1,000 households) and ``county`` (all 11 townships, 12,000 households shared by their 2020
populations, about 45,000 people). Villages are marked as demo in their names and in ``admin_unit``.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import FileExists, UnknownUnit
from ..core.records import Person, Relation
from ..storage import keyfile, nodes, reference, search
from ..storage import register as reg
from ..storage.database import write_transaction
from ..storage.reference import Unit
from . import demo_names as words
from .demo_family import FamilyMaker
from .demo_visitors import assign_visitors
from .demo_visits import add_visit_history
from .flags import evaluate_all
from .workspace import Workspace, open_workspace

COUNTY_HOUSEHOLDS = 12_000
TOWNSHIP_HOUSEHOLDS = 1_000
VILLAGE_HOUSEHOLDS = (100, 130)
HOUSEHOLDS_PER_VILLAGE = 118
FLUSH_EVERY = 10_000  # records written through the change log between flushes
DUPLICATE_SHARE = 0.0025  # of the children who could be entered twice; at least 3
# 2020 census, from domain/rangtang.md; the county scale shares households in these proportions.
TOWNSHIP_POPULATION_2020 = {
    "513230101": 4818, "513230102": 5754, "513230103": 9359, "513230200": 2087,
    "513230201": 2343, "513230202": 1709, "513230203": 3295, "513230205": 4208,
    "513230206": 2388, "513230208": 5577, "513230210": 3141,
}
BASE_ID_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z: demo ids are stamped from here on
SCALES = ("village", "township", "county")
DEMO_PASSWORD = "demo"  # the README says so; ``demo --password-file`` chooses another


@dataclass(frozen=True)
class DemoResult:
    households: int
    persons: int
    children: int
    visits: int = 0

    def as_json(self) -> dict[str, int]:
        return {
            "households": self.households, "persons": self.persons, "children": self.children, "visits": self.visits,
        }


class RecordIds:
    """UUIDv7-formatted ids from a seeded generator: a fixed base time plus one millisecond per id,
    so they are reproducible and sort in creation order."""

    def __init__(self, rng: random.Random, base_ms: int = BASE_ID_MS) -> None:
        self._rng = rng
        self._next_ms = base_ms

    def __call__(self) -> str:
        millis = self._next_ms
        self._next_ms += 1
        rand_a, rand_b = self._rng.getrandbits(12), self._rng.getrandbits(62)
        return str(uuid.UUID(int=(millis << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b))


@dataclass
class VillagePlan:
    """One demo village: its unit, its groups, how many households and what people live from."""

    township: Unit
    unit: Unit
    plain_name: str  # the Chinese name without the demo mark, for addresses and kindergartens
    households: int
    livelihood_weights: tuple[float, ...]
    groups: list[Unit] = field(default_factory=list)


def build_demo(
    path: str | Path, scale: str = "village", seed: int = 1, role: str | None = None, *, township_code: str = "",
    first_village: int = 0, password: str | None = None,
) -> DemoResult:
    """Create a demo database at ``path`` (which must not exist yet) and return what it holds.
    ``township_code`` puts the villages in that township instead of a random one, and
    ``first_village`` numbers them from that index on (a village made to enroll at an existing
    township demo gets a village of its own: ``services.demo_exchange``). With ``password`` the
    database is encrypted (the ``demo`` command gives ``DEMO_PASSWORD`` unless told otherwise)."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale: {scale}")
    rng = random.Random(seed)
    ids = RecordIds(random.Random(rng.getrandbits(64)))
    visit_rng = random.Random(rng.getrandbits(64))  # its own stream: adding visits changes nothing else
    path = Path(path)
    if path.exists():
        raise FileExists(path=str(path))
    ws = open_workspace(path, create=True, password=password)
    try:
        today = ws.today()
        villages, home = plan_villages(
            rng, reference.units(ws.db, "township"), scale, township_code=township_code, first_village=first_village
        )
        own_village = _first_village(villages, home)
        maker = FamilyMaker(rng, ids, today)
        for village in villages:
            maker.add_village(village, showcase=village is own_village)
        add_duplicates(maker)
        staff = assign_visitors(visit_rng, ids, maker.households)  # every register id is drawn by now
        with write_transaction(ws.db):
            reference.store_units(ws.db, [unit for v in villages for unit in (v.unit, *v.groups)])
            write_register(ws, maker.records)
            search.refresh_people(ws.db, maker.person_ids, ws.variants)
            node_role = role or ("village" if scale == "village" else "township")
            unit_code = home.code if node_role == "township" else own_village.unit.code
            nodes.set_node_unit(ws.db, node_role, unit_code)
            visits = add_visit_history(ws, visit_rng, ids, staff)
        evaluate_all(ws)  # the flags a laptop would show once these records were entered
        counts = reg.counts(ws.db, today)
    except BaseException:
        ws.close()
        _remove_database(path)  # it was created above: leave no half-made demo behind
        raise
    ws.close()
    return DemoResult(counts["households"], counts["persons"], counts["children"], visits)


def _remove_database(path: Path) -> None:
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", keyfile.path_for(path).name):
        path.with_name(name).unlink(missing_ok=True)


def write_register(ws: Workspace, records: list[Any], batch: int = FLUSH_EVERY) -> None:
    """Write new records through the change log in bulk (inside the caller's transaction),
    flushing every ``batch`` records so the buffered changes stay small."""
    log = ws.changelog(bulk=True)
    for index, record in enumerate(records, start=1):
        log.write(record, None)
        if index % batch == 0:
            log.flush()
    log.flush()


def add_duplicates(maker: FamilyMaker) -> None:
    """Enter a handful of children a second time in another household (of another village where
    there is one), with another Chinese spelling of the same name and the same birth date, as when a
    relative's village registers a child too. Quality checks and duplicate detection should find them."""
    rng = maker.rng
    count = min(len(maker.duplicable), max(3, round(len(maker.duplicable) * DUPLICATE_SHARE)))
    for child in rng.sample(maker.duplicable, count):
        source = child.person
        hosts = [h for h in maker.hosts if h[0].village_code != source.residence_village_code]
        household, adult = rng.choice(hosts or [h for h in maker.hosts if h[0].id != source.household_id])
        name = child.name.respelled(rng) if child.name else None
        if name is None:
            continue
        copy = maker.add(Person(
            household_id=household.id, name_zh=name.zh, name_bo=source.name_bo if rng.random() < 0.8 else "",
            sex=source.sex, ethnicity=source.ethnicity, birth_date=source.birth_date,
            birth_precision=source.birth_precision, id_number=source.id_number if rng.random() < 0.25 else "",
            hukou_place=source.hukou_place, residence_village_code=household.village_code,
            school_status=source.school_status, school_name=source.school_name, boarding=source.boarding,
            notes="寄住在亲戚家",
        ))
        maker.add(Relation(
            child_id=copy.id, adult_id=adult.id, kind="other_relative", actual_caregiver=True, lives_with=True,
        ))


# -- Villages ----------------------------------------------------------------------------------------


def plan_villages(
    rng: random.Random, townships: list[Unit], scale: str, *, township_code: str = "", first_village: int = 0
) -> tuple[list[VillagePlan], Unit]:
    """The demo villages to build, and the township this computer belongs to."""
    current = [t for t in townships if t.code in TOWNSHIP_POPULATION_2020]
    home = rng.choice(current)
    if township_code:
        home = next((t for t in current if t.code == township_code), None)
        if home is None:
            raise UnknownUnit(code=township_code)
    if scale == "county":
        targets = _shares(COUNTY_HOUSEHOLDS, {t.code: TOWNSHIP_POPULATION_2020[t.code] for t in current})
        village_counts = {code: max(2, round(n / HOUSEHOLDS_PER_VILLAGE)) for code, n in targets.items()}
        chosen = current
    elif scale == "township":
        targets, village_counts, chosen = {home.code: TOWNSHIP_HOUSEHOLDS}, {home.code: rng.randint(7, 9)}, [home]
    else:
        targets, village_counts, chosen = {home.code: rng.randint(*VILLAGE_HOUSEHOLDS)}, {home.code: 1}, [home]
    names = iter(words.village_names(rng, sum(village_counts.values())))
    plans = []
    for township in chosen:
        count = village_counts[township.code]
        sizes = _shares(targets[township.code], {i: rng.uniform(0.7, 1.3) for i in range(count)})
        for index in range(count):
            plans.append(_village(rng, township, first_village + index, sizes[index], next(names)))
    return plans, home


# Demo villages are numbered from 901 so they cannot take the code of a real village (村委会 codes
# run from 200, e.g. 南木达村 513230101203) if the county's real list is loaded later.
DEMO_VILLAGE_BASE = 901


def _village(
    rng: random.Random, township: Unit, index: int, households: int, names: tuple[str, str, str]
) -> VillagePlan:
    name_zh, name_bo, plain = names
    code = f"{township.code}{DEMO_VILLAGE_BASE + index:03d}"
    unit = Unit(code, "village", township.code, name_zh, name_bo, is_demo=True)
    profile = rng.choices(list(words.VILLAGE_PROFILES), weights=(4, 3, 3))[0]
    plan = VillagePlan(township, unit, plain, households, words.VILLAGE_PROFILES[profile])
    for number in range(min(8, max(3, round(households / 25)))):
        group_zh, group_bo = words.group_name(number)
        plan.groups.append(Unit(f"{code}{number + 1:03d}", "group", code, group_zh, group_bo, is_demo=True))
    return plan


def _shares(total: int, weights: dict[Any, float]) -> dict[Any, int]:
    """``total`` split in proportion to ``weights`` (largest remainder, so the parts add up)."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    parts = {key: int(value) for key, value in exact.items()}
    short = total - sum(parts.values())
    for key in sorted(exact, key=lambda k: exact[k] - parts[k], reverse=True)[:short]:
        parts[key] += 1
    return parts


def _first_village(villages: list[VillagePlan], township: Unit) -> VillagePlan:
    return next(v for v in villages if v.township.code == township.code)
