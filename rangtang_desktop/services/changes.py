"""What a service call changed, so each screen redraws only when its part changed (as Anki's
``OpChanges``)."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    register: bool = False
    visits: bool = False
    units: bool = False
    node: bool = False
    settings: bool = False
    flags: bool = False  # flags raised, cleared or moved on (status, report, referral)
    exchange: bool = False  # bundles, enrollment, holdings, conflicts or duplicate decisions

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


NOTHING = Changes()
