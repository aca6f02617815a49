"""Reading and changing the county settings. Changes go through the change log (so the
township's settings reach every village); saving them evaluates every flag again, so they take
effect at once."""

from __future__ import annotations

from ..core.county_settings import CountySettings
from ..storage import county_settings as store
from ..storage.database import write_transaction
from . import audit, permissions
from .changes import Changes
from .workspace import Workspace


def load(ws: Workspace) -> CountySettings:
    return CountySettings.from_values(store.county_setting_values(ws.db))


def save(ws: Workspace, settings: CountySettings, *, reason: str = "") -> Changes:
    """Store the settings that differ from the stored ones (a child director or township
    supervisor: ``permissions``)."""
    permissions.require(ws, "county_settings")
    current = load(ws).as_values()
    changed = []
    with write_transaction(ws.db):
        log = ws.changelog()
        for key, value in settings.as_values().items():
            if current.get(key) != value:
                log.write_value(store.SETTING_ENTITY, key, store.SETTING_FIELD, value, reason)
                store.store_county_setting(ws.db, key, value)
                changed.append(key)
        if changed:
            audit.changed(ws, "", "", {"op": "county_settings", "keys": sorted(changed)[:40]})
    if not changed:
        return Changes(settings=True)
    from .flags import evaluate_all  # the rules read the settings: every flag is evaluated again

    evaluate_all(ws)
    return Changes(settings=True, flags=True)
