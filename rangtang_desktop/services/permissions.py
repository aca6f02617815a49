"""What each user may see and do (issue 7 part 2; least privilege by role and village group, as the
privacy rules of ``domain/rangtang.md`` ask). One place for each rule: services call ``require``
(a refused action raises ``NotAllowed``, a two-part ``RangtangError``) or filter with
``group_scope`` / ``household_visible``; the window asks ``allowed`` to hide what the user may not do.

The acting user is ``Workspace.user_id`` (the logged-in user); their role is the ``user`` row's.

Rule table (``RULES``; D = child director, G = grid worker, S = township supervisor):

=====================  ===  ===  ===  ===============================================================
action                  D    G    S   notes
=====================  ===  ===  ===  ===============================================================
households              all  own  all  register lists, worklist, visit form, flags: a grid worker only
                                       the households of their village groups (``group_scope``)
edit_register           yes  own  yes  records of the households they may see
record_visit            yes  own  yes
restricted_records      yes  no   yes  ``records.RESTRICTED`` (mandatory reports, referrals) and the
                                       reporter of a mandatory report
manage_users            yes  no   yes  add users, roles, groups, passwords of others, switch off
county_settings         yes  no   yes  a village without a supervisor keeps its own settings
enrollment              yes  no   yes  the village asks, the township accepts
revocation              no   no   yes
exchange                yes  no   yes  export and import bundles, upload package
backups                 yes  no   yes  back up, restore
audit_log               yes  no   yes  the audit view and its verification
=====================  ===  ===  ===  ===============================================================

Every user may change their own password and log in, lock and switch. A role this version does not
know (a user received from a newer laptop) gets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core import records
from ..core.errors import RangtangError
from ..core.msg import N_
from ..storage import nodes
from .workspace import Workspace

DIRECTOR = "child_director"
GRID_WORKER = "grid_worker"
SUPERVISOR = "township_supervisor"
ALL_ROLES = frozenset({DIRECTOR, GRID_WORKER, SUPERVISOR})
MANAGERS = frozenset({DIRECTOR, SUPERVISOR})

RULES: dict[str, frozenset[str]] = {
    "households": ALL_ROLES,
    "edit_register": ALL_ROLES,
    "record_visit": ALL_ROLES,
    "restricted_records": MANAGERS,
    "manage_users": MANAGERS,
    "county_settings": MANAGERS,
    "enrollment": MANAGERS,
    "revocation": frozenset({SUPERVISOR}),
    "exchange": MANAGERS,
    "backups": MANAGERS,
    "audit_log": MANAGERS,
}
# roles whose households are limited to their village groups
GROUP_LIMITED = frozenset({GRID_WORKER})


class NotAllowed(RangtangError):
    headline = N_("Your role cannot do this.")
    advice = N_("Ask the child director or the township supervisor, or switch to a user who may do it.")


class HouseholdNotAllowed(RangtangError):
    headline = N_("This household is not in your village groups.")
    advice = N_("Ask the child director to add its group to your groups, or switch user.")


@dataclass(frozen=True)
class Actor:
    user_id: str
    role: str
    active: bool
    groups: frozenset[str]


def actor(ws: Workspace) -> Actor:
    row = nodes.user_row(ws.db, ws.user_id)
    if row is None:
        return Actor(ws.user_id, "", False, frozenset())
    groups = frozenset(nodes.user_groups(ws.db, ws.user_id)) if row["role"] in GROUP_LIMITED else frozenset()
    return Actor(ws.user_id, row["role"], bool(row.get("active", 1)), groups)


def role_allows(role: str, action: str) -> bool:
    """The rule table alone (no database): may ``role`` do ``action``?"""
    return role in RULES.get(action, frozenset())


def allowed(ws: Workspace, action: str) -> bool:
    who = actor(ws)
    return who.active and role_allows(who.role, action)


def require(ws: Workspace, action: str) -> None:
    if not allowed(ws, action):
        raise NotAllowed()


def group_scope(ws: Workspace) -> frozenset[str] | None:
    """The village group codes whose households the user may see, or ``None`` for no limit."""
    who = actor(ws)
    if not who.active or who.role not in ALL_ROLES:
        return frozenset()
    return who.groups if who.role in GROUP_LIMITED else None


def in_scope(household: records.Household | None, scope: frozenset[str] | None) -> bool:
    """Whether ``household`` is within ``scope`` (from ``group_scope``; ``None``: no limit)."""
    if scope is None:
        return True
    return household is not None and household.group_code in scope


def household_visible(ws: Workspace, household: records.Household | None) -> bool:
    return in_scope(household, group_scope(ws))


def require_household(ws: Workspace, household: records.Household | None) -> None:
    if not household_visible(ws, household):
        raise HouseholdNotAllowed()


def household_filter(ws: Workspace, column: str = "group_code") -> tuple[str, list[str]]:
    """An SQL condition (and its parameters) keeping the households the user may see: ``column``
    names the household's group code column in the caller's query."""
    scope = group_scope(ws)
    if scope is None:
        return "1", []
    if not scope:
        return "0", []
    codes = sorted(scope)
    return f"{column} IN ({', '.join('?' for _ in codes)})", codes


def may_see_entity(ws: Workspace, entity: str) -> bool:
    """Restricted records (``records.RESTRICTED``) only for the roles allowed."""
    return entity not in records.RESTRICTED or allowed(ws, "restricted_records")


def require_entity(ws: Workspace, entity: str) -> None:
    if not may_see_entity(ws, entity):
        raise NotAllowed()
