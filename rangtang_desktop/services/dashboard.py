"""The figures of the dashboard, gathered in one call (run off the UI thread)."""

from __future__ import annotations

from dataclasses import dataclass

from . import compliance, flags, sessions, visits
from .compliance import ComplianceReport
from .workspace import Workspace


@dataclass(frozen=True)
class DashboardFigures:
    report: ComplianceReport  # this month
    missed_last_month: int
    drafts: int
    guardians: int
    guardians_without_session: int
    trend: list[tuple[int, int, int, int]]  # (year, month, in scope, met), oldest first
    overdue_referrals: int = 0
    open_flags: dict[str, int] | None = None  # severity → flags open, acknowledged or referred


def dashboard_figures(ws: Workspace, village_code: str = "") -> DashboardFigures:
    today = ws.today()
    report = compliance.compliance(ws, today.year, today.month, village_code=village_code)
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    last = compliance.compliance(ws, year, month, village_code=village_code)
    coverage = sessions.guardian_coverage(ws, today.year, village_code)
    return DashboardFigures(
        report=report,
        missed_last_month=sum(1 for r in last.rows if r.state == "missed"),
        drafts=visits.draft_count(ws, village_code),
        guardians=len(coverage),
        guardians_without_session=sum(1 for g in coverage if not g.covered),
        trend=compliance.coverage_trend(ws, months=12, village_code=village_code),
        overdue_referrals=len(flags.overdue_referrals(ws, village_code=village_code)),
        open_flags=_open_flags(ws, village_code),
    )


def _open_flags(ws: Workspace, village_code: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in flags.list_flags(ws, status=("open", "acknowledged", "referred"), village_code=village_code):
        counts[row.severity] = counts.get(row.severity, 0) + 1
    return counts
