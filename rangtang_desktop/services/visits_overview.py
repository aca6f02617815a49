"""Everything the visits area shows for a place, gathered in one call (run off the UI thread):
the worklist, this month's counts, unsigned drafts, this year's family-education sessions and
each guardian's coverage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core import records
from . import compliance, register_views, sessions, visits
from .compliance import ComplianceReport, ComplianceRow
from .sessions import GuardianCoverage
from .workspace import Workspace


@dataclass(frozen=True)
class DraftRow:
    draft: object  # core.visits.Visit
    saved_at: str
    household: records.Household | None


@dataclass(frozen=True)
class VisitsOverview:
    worklist: list[ComplianceRow]
    report: ComplianceReport
    drafts: list[DraftRow]
    sessions: list[records.FamilyEducationSession]
    coverage: list[GuardianCoverage]
    households: dict[str, records.Household]  # of the guardians in ``coverage``


def visits_overview(
    ws: Workspace, village_code: str = "", group_code: str = "", worker: str = "", month: tuple[int, int] | None = None
) -> VisitsOverview:
    """The overview for this month, or for an earlier ``month`` (year, month) seen as finished."""
    today = ws.today()
    where = {"village_code": village_code, "group_code": group_code, "worker": worker}
    if month and month != (today.year, today.month):
        year, number = month
        as_of = date(year + number // 12, number % 12 + 1, 1)  # the day after the month
        report = compliance.compliance(ws, year, number, today=min(as_of, today), **where)
    else:
        report = compliance.compliance(ws, today.year, today.month, **where)
    drafts = []
    for draft, saved in visits.drafts(ws):
        household = register_views.find(ws, "household", draft.household_id)
        if household is None or household.village_code.startswith(village_code):
            drafts.append(DraftRow(draft, saved, household))
    coverage = sessions.guardian_coverage(ws, today.year, village_code)
    households = {
        h: register_views.find(ws, "household", h) for h in {g.household_id for g in coverage if g.household_id}
    }
    return VisitsOverview(
        worklist=compliance.worklist_rows(report),
        report=report,
        drafts=drafts,
        sessions=sessions.sessions_in_year(ws, today.year, village_code),
        coverage=coverage,
        households={k: v for k, v in households.items() if v is not None},
    )
