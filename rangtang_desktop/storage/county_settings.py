"""County settings on disk: one JSON value per key, written through the change log by the service."""

from __future__ import annotations

import json

import sqlite_utils

SETTING_ENTITY = "county_setting"
SETTING_FIELD = "value"


def county_setting_values(db: sqlite_utils.Database) -> dict:
    return {key: json.loads(value) for key, value in db.execute("SELECT key, value FROM county_setting")}


def store_county_setting(db: sqlite_utils.Database, key: str, value) -> None:
    db.execute(
        "INSERT INTO county_setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, json.dumps(value, ensure_ascii=False)],
    )
