"""A village demo database enrolled at an existing township demo database, for trying the USB
exchange without two laptops: ``demo --db VILLAGE --enroll-at TOWNSHIP``.

The village is a new demo village of the township's (numbered after the demo villages the township
already knows, so its records are its own), and it is enrolled through the real enrollment files,
written to a temporary folder instead of a stick. Then, for example::

    rangtang-desktop export --db village.sqlite3 --to stick/
    rangtang-desktop import --db township.sqlite3 stick/changes-*.rtb
    rangtang-desktop export --db township.sqlite3 --to stick/ --all-villages
    rangtang-desktop import --db village.sqlite3 stick/return-*.rtb
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..storage import peers, reference
from .demo import DEMO_VILLAGE_BASE, DemoResult, _remove_database, build_demo
from .enrollment import TOWNSHIP, OnlyTownshipEnrolls, accept_request, complete, write_request
from .workspace import open_workspace


def build_enrolled_village(
    path: str | Path, township_path: str | Path, *, seed: int = 1, password: str | None = None,
) -> DemoResult:
    """Build a village demo at ``path`` in the township of ``township_path`` and enroll it there.
    ``password`` opens the township database (if it is encrypted) and encrypts the new village's."""
    path = Path(path)
    with open_workspace(township_path, password=password) as township:
        me = peers.self_row(township.db)
        if me.role != TOWNSHIP or not me.unit_code:
            raise OnlyTownshipEnrolls()
        numbers = [
            int(u.code[-3:]) for u in reference.units(township.db, "village", me.unit_code)
            if u.code.startswith(me.unit_code) and int(u.code[-3:]) >= DEMO_VILLAGE_BASE
        ]
        first = max(numbers) + 1 - DEMO_VILLAGE_BASE if numbers else 0
        # another seed than the township's: demo record and user ids come from the seed
        village_seed = seed * 1_000 + DEMO_VILLAGE_BASE + first
        result = build_demo(
            path, "village", village_seed, "village", township_code=me.unit_code, first_village=first, password=password,
        )
        try:
            with open_workspace(path, password=password) as village, tempfile.TemporaryDirectory() as stick:
                request, _card = write_request(village, Path(stick))
                response, _card = accept_request(township, request, Path(stick))
                complete(village, response)
        except BaseException:
            _remove_database(path)
            raise
    return result
