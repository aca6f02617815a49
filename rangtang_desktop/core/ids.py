"""Record identifiers: time-ordered UUIDs (UUIDv7), so records made on different laptops never
collide and sort roughly by creation time."""

from __future__ import annotations

from uuid6 import uuid7


def new_id() -> str:
    return str(uuid7())
