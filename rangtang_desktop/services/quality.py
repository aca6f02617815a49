"""Data-quality report: bad ID numbers, possible duplicate people, children without a legal
guardian (the ``quality`` command and the register's problems list)."""

from __future__ import annotations

from dataclasses import dataclass

from ..core import vocab
from ..core.dates import ApproxDate, DateError, is_minor
from ..core.msg import N_, Message
from ..storage import register as reg
from .duplicate_pairs import duplicate_pairs
from .workspace import Workspace

BAD_ID = ("bad_checksum", "bad_date", "bad_format")
KIND_LABELS = {
    "bad_id_number": N_("ID number fails its check"),
    "possible_duplicate": N_("Possible duplicate person"),
    "child_without_guardian": N_("Child without a legal guardian"),
}


@dataclass(frozen=True)
class QualityItem:
    kind: str  # bad_id_number | possible_duplicate | child_without_guardian
    record_id: str
    detail: Message


def quality_report(ws: Workspace) -> list[QualityItem]:
    db = ws.db
    items: list[QualityItem] = []
    for row in db.query(
        f"SELECT id, id_check FROM person p WHERE {reg.LIVE_PERSON} AND id_check IN ({', '.join('?' for _ in BAD_ID)}) ORDER BY sort_key",
        BAD_ID,
    ):
        items.append(QualityItem("bad_id_number", row["id"], Message(vocab.ID_CHECK.label(row["id_check"]))))
    items += _duplicates(ws)
    items += _children_without_guardian(ws)
    return items


def _duplicates(ws: Workspace) -> list[QualityItem]:
    """Pairs of people who may be one person, each pair reported once (on the newer record)."""
    return [
        QualityItem("possible_duplicate", pair.newer, Message(N_("May be the same person as record {other}"), {"other": pair.older}))
        for pair in duplicate_pairs(ws)
    ]


def _children_without_guardian(ws: Workspace) -> list[QualityItem]:
    today = ws.today()
    guarded = {
        r[0]
        for r in ws.db.execute(
            "SELECT child_id FROM relation WHERE deleted = 0 AND legal_guardian = 1"
        )
    }
    items = []
    for row in ws.db.query(
        f"SELECT id, birth_date, birth_precision, alive_status FROM person p WHERE {reg.LIVE_PERSON} "
        "AND birth_date != '' ORDER BY sort_key"
    ):
        if row["id"] in guarded or row["alive_status"] != "alive":
            continue
        try:
            birth = ApproxDate.parse(row["birth_date"], row["birth_precision"] or "exact")
        except DateError:
            continue
        if is_minor(birth, today):
            items.append(QualityItem("child_without_guardian", row["id"], Message(N_("No legal guardian recorded"))))
    return items


