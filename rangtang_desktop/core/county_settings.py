"""County settings: the parameters the county can change, with their defaults (`policy.md`,
`data-model.md`). Stored in the database and carried to every laptop like register changes;
edited on the settings page; read fresh by every evaluation.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .msg import N_


@dataclass(frozen=True)
class CountySettings:
    visits_per_month: int = field(default=2, metadata={"label": N_("Visits each household with minors needs each month")})
    counting_modes: tuple[str, ...] = field(
        default=("home", "school"), metadata={"label": N_("Kinds of visit that count towards the monthly visits")}
    )
    min_spacing_days: int = field(
        default=0, metadata={"label": N_("Fewest days between two counted visits (0: no minimum)")}
    )
    at_risk_days_per_visit: int = field(
        default=7, metadata={"label": N_("A household is at risk when fewer than this many days per missing visit remain")}
    )
    family_education_per_year: int = field(
        default=1, metadata={"label": N_("Family-education sessions each guardian needs each year")}
    )
    min_absence_months: int = field(
        default=3, metadata={"label": N_("Months a parent must be away for the child to count as left behind")}
    )
    absence_outside_county_only: bool = field(
        default=False, metadata={"label": N_("Only work outside the county counts as being away")}
    )
    elderly_carer_age: int = field(
        default=70, metadata={"label": N_("Age from which a carer counts as elderly (not a legal threshold)")}
    )
    serious_illnesses: tuple[str, ...] = field(
        default=("大骨节病", "白血病", "先天性心脏病", "恶性肿瘤", "尿毒症"),
        metadata={"label": N_("The county's list of serious illnesses (one per line)")},
    )
    school_start_age: int = field(default=6, metadata={"label": N_("Age at which compulsory schooling starts")})
    school_end_age: int = field(
        default=16, metadata={"label": N_("Age by which compulsory schooling (grade 9) normally ends")}
    )
    auto_lock_minutes: int = field(
        default=10, metadata={"label": N_("Minutes without use after which the window locks (0: never)")}
    )

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> CountySettings:
        """Settings from stored values; unknown keys (from a newer version) and bad values are
        ignored in favour of the default."""
        known = {}
        for f in dataclasses.fields(cls):
            if f.name not in values:
                continue
            value = values[f.name]
            default = f.default
            if isinstance(default, tuple) and isinstance(value, list):
                known[f.name] = tuple(str(v) for v in value)
            elif isinstance(default, bool) and isinstance(value, bool):
                known[f.name] = value
            elif isinstance(default, int) and not isinstance(default, bool) and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                known[f.name] = value
        return cls(**known)

    def as_values(self) -> dict[str, Any]:
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in dataclasses.fields(self)}


def label(name: str) -> str:
    return next(f.metadata["label"] for f in dataclasses.fields(CountySettings) if f.name == name)
