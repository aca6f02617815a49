"""What the flags area shows for a place, gathered in one call (run off the UI thread)."""

from __future__ import annotations

from dataclasses import dataclass

from . import flags
from .flags import FlagRow, ReferralRow
from .workspace import Workspace

STATUS_GROUPS = {
    "active": ("open", "acknowledged", "referred"),
    "open": ("open",),
    "acknowledged": ("acknowledged",),
    "referred": ("referred",),
    "resolved": ("resolved",),
    "dismissed": ("dismissed",),
    "all": (),
}


@dataclass(frozen=True)
class FlagsOverview:
    flags: list[FlagRow]
    pending_reports: list[FlagRow]
    overdue_referrals: list[ReferralRow]


def flags_overview(
    ws: Workspace, village_code: str = "", group_code: str = "", status: str = "active", severity: str = "",
    rule_id: str = "", include_cleared: bool = False,
) -> FlagsOverview:
    return FlagsOverview(
        flags=flags.list_flags(
            ws, status=STATUS_GROUPS.get(status) or None, village_code=village_code, group_code=group_code,
            severity=severity, rule_id=rule_id, include_cleared=include_cleared,
        ),
        pending_reports=flags.pending_reports(ws),
        overdue_referrals=flags.overdue_referrals(ws, village_code=village_code),
    )
